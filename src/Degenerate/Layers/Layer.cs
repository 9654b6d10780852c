using System.Text.Json.Nodes;
using Degenerate.Activations;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// A building block of a <see cref="Models.Sequential"/> model, mapping [batch, in] to [batch, out], as in
/// <c>keras.layers</c>. A layer creates its weights when it learns its input width (<see cref="Build"/>); the model
/// that holds the layer owns those weights and releases them when it is disposed.
/// </summary>
public abstract class Layer : IDisposable
{
    /// <summary>Sets the layer's name (null: the model assigns "dense", "dense_1", ...).</summary>
    protected Layer(string? name) => Name = name;

    /// <summary>The layer's name, unique within its model.</summary>
    public string? Name { get; internal set; }

    /// <summary>The Keras-style base of automatic names ("dense", "activation", ...).</summary>
    public abstract string BaseName { get; }

    /// <summary>The Keras class name shown by Summary ("Dense", "Activation", ...).</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>Whether the weights exist.</summary>
    public bool Built { get; private set; }

    /// <summary>The input width, once known (declared with inputDim or learned at Build).</summary>
    public long? InputDim { get; protected set; }

    /// <summary>The output width for a given input width.</summary>
    public abstract long OutputDim(long inputDim);

    /// <summary>Creates the weights for inputs of width <paramref name="inputDim"/>.</summary>
    public void Build(long inputDim, DType dtype, Device device)
    {
        if (inputDim <= 0) throw new ArgumentOutOfRangeException(nameof(inputDim), inputDim, "input width must be positive");
        if (Built)
        {
            if (InputDim != inputDim)
                throw new ArgumentException(
                    $"layer '{Name}' was built for inputs of width {InputDim} but receives width {inputDim}", nameof(inputDim));
            return;
        }
        InputDim = inputDim;
        CreateWeights(inputDim, dtype, device);
        Built = true;
    }

    /// <summary>Creates the weight tensors (leaf tensors with RequiresGrad where trainable).</summary>
    protected virtual void CreateWeights(long inputDim, DType dtype, Device device) { }

    /// <summary>Computes the layer's output; <paramref name="training"/> switches training-only behaviour (dropout).</summary>
    public abstract Tensor Forward(Tensor x, bool training = false);

    /// <summary>
    /// The output split into the value before the final activation and that activation (null when the layer ends
    /// without one). Models use it to feed losses the stable logits form.
    /// </summary>
    public virtual (Tensor PreActivation, ActivationFunction? Activation) ForwardSplit(Tensor x, bool training = false) =>
        (Forward(x, training), null);

    /// <summary>The weights in Keras order (for Dense: kernel [in, out], then bias [out]).</summary>
    public virtual IReadOnlyList<Tensor> Weights => [];

    /// <summary>Names of <see cref="Weights"/>, e.g. "kernel", "bias".</summary>
    public virtual IReadOnlyList<string> WeightNames => [];

    /// <summary>Number of scalar weights (0 until built).</summary>
    public long ParamCount => Weights.Sum(w => w.NumElements);

    /// <summary>
    /// Whether Fit updates this layer's weights (Keras's <c>layer.trainable</c>; default true). A frozen layer still
    /// computes its output, and its weights are still in <see cref="Weights"/>, GetWeights/SetWeights and saved files.
    /// As in Keras, the set of trained weights is fixed by <c>Compile</c>: after changing this on a compiled model,
    /// call Compile again (Fit refuses to train a stale set).
    /// </summary>
    public bool Trainable { get; set; } = true;

    /// <summary>The weights Fit updates: all of <see cref="Weights"/> when <see cref="Trainable"/>, none otherwise.</summary>
    public IReadOnlyList<Tensor> TrainableWeights => Trainable ? Weights : [];

    /// <summary>The weights Fit leaves alone: all of <see cref="Weights"/> when the layer is frozen, none otherwise.</summary>
    public IReadOnlyList<Tensor> NonTrainableWeights => Trainable ? [] : Weights;

    /// <summary>The weight penalty this layer adds to the loss, or null.</summary>
    public virtual Tensor? RegularizationLoss() => null;

    /// <summary>The layer's configuration (what Save writes and Load reads).</summary>
    public abstract JsonObject GetConfig();

    /// <summary>Moves the weights to another dtype and device, keeping their values.</summary>
    internal virtual void MoveTo(DType dtype, Device device) { }

    /// <summary>Rebuilds a layer from <see cref="GetConfig"/>'s output.</summary>
    public static Layer FromConfig(JsonObject config)
    {
        var className = (string?)config["class_name"] ?? throw new FormatException("layer config has no class_name");
        Layer layer = className switch
        {
            "Dense" => Dense.FromConfig(config),
            "Activation" => Activation.FromConfig(config),
            "Dropout" => Dropout.FromConfig(config),
            _ => throw new FormatException($"unknown layer class '{className}'"),
        };
        // Files written before layers could be frozen have no "trainable": those layers were trainable.
        layer.Trainable = config["trainable"] is { } t ? (bool)t : true;
        return layer;
    }

    /// <summary>Releases the layer's weights.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <inheritdoc/>
    public override string ToString() => $"{Name ?? BaseName} ({ClassName})";
}
