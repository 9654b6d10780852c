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
            // Built on its own (e.g. by Normalization.Adapt) before joining a model of another dtype or device.
            MoveTo(dtype, device);
            return;
        }
        if (InputDim is { } declared && declared != inputDim)
            throw new ArgumentException(
                $"layer '{Name ?? BaseName}' expects inputs of width {declared} but receives width {inputDim}", nameof(inputDim));
        CreateWeights(inputDim, dtype, device);
        InputDim = inputDim; // after: a layer whose weights cannot be made for this width stays unbuilt and undeclared
        Built = true;
    }

    /// <summary>Creates the weight tensors (leaf tensors with RequiresGrad where trainable).</summary>
    protected virtual void CreateWeights(long inputDim, DType dtype, Device device) { }

    /// <summary>
    /// Computes the layer's output for a batch [batch, features], as calling a Keras layer with <c>training=</c>.
    /// <paramref name="training"/> switches on the training-only behaviour: Dropout's dropping, GaussianNoise's noise,
    /// BatchNormalization's batch statistics (and the update of its moving ones). Fit passes true; Evaluate, Predict
    /// and a plain call pass false, so a layer used on its own runs in inference mode unless told otherwise.
    /// </summary>
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

    /// <summary>
    /// The weights Fit updates: those of <see cref="Weights"/> that gradients train (all of them for Dense; gamma and
    /// beta for BatchNormalization, whose moving statistics are state) when <see cref="Trainable"/>, none otherwise.
    /// </summary>
    public IReadOnlyList<Tensor> TrainableWeights => Trainable ? GradientWeights : [];

    /// <summary>
    /// The weights Fit leaves to the optimizer alone, in <see cref="Weights"/> order: state such as moving statistics,
    /// plus every weight when the layer is frozen.
    /// </summary>
    public IReadOnlyList<Tensor> NonTrainableWeights
    {
        get
        {
            var trained = TrainableWeights;
            return Weights.Where(w => !trained.Any(t => ReferenceEquals(t, w))).ToList();
        }
    }

    /// <summary>The weights that gradients train while the layer is trainable (Keras's <c>trainable=True</c> weights).</summary>
    protected virtual IReadOnlyList<Tensor> GradientWeights => Weights;

    /// <summary>
    /// The names and shapes of the weights the layer creates for inputs of width <paramref name="inputDim"/>, in
    /// <see cref="Weights"/> order, worked out without allocating (model files are checked against them before any
    /// weight exists); null when the layer cannot tell before it is built.
    /// </summary>
    internal virtual IReadOnlyList<(string Name, long[] Shape)>? PlannedWeights(long inputDim) => null;

    /// <summary>A new weight owned by the layer: outside any dispose scope, with gradients when <paramref name="trainable"/>.</summary>
    protected static Tensor OwnWeight(Tensor t, bool trainable)
    {
        DisposeScope.Current?.Detach(t); // weights live as long as the layer, not the scope that built them
        t.RequiresGrad = trainable;
        return t;
    }

    /// <summary>The weight converted to another dtype and device (the old one disposed), or itself when already there.</summary>
    protected static Tensor? MoveWeight(Tensor? t, DType dtype, Device device)
    {
        if (t is null || (t.DType == dtype && t.Device == device)) return t;
        var trainable = t.RequiresGrad;
        Tensor moved;
        using (Autograd.NoGrad()) moved = t.To(dtype, device);
        DisposeScope.Current?.Detach(moved);
        t.Dispose();
        moved.RequiresGrad = trainable;
        return moved;
    }

    /// <summary>Builds the layer from its first input when it is used on its own (as calling a Keras layer builds it).</summary>
    protected void EnsureBuilt(Tensor x)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(x);
        // Models feed [batch, features]; statistics over other ranks would need their own axes (Flatten first).
        if (x.Shape.Length != 2)
            throw new ArgumentException($"layer '{Name ?? BaseName}' takes a batch of shape [batch, features], got {x.ShapeString}", nameof(x));
        if (!Built) Build(x.Shape[^1], x.DType, x.Device);
        else if (x.Shape[^1] != InputDim)
            throw new ArgumentException(
                $"layer '{Name ?? BaseName}' was built for inputs of width {InputDim} but receives shape {x.ShapeString}", nameof(x));
    }

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
            "Normalization" => Normalization.FromConfig(config),
            "BatchNormalization" => BatchNormalization.FromConfig(config),
            "LayerNormalization" => LayerNormalization.FromConfig(config),
            "GaussianNoise" => GaussianNoise.FromConfig(config),
            "Flatten" => Flatten.FromConfig(config),
            _ => throw new FormatException($"unknown layer class '{className}'"),
        };
        // Files written before layers could be frozen have no "trainable": those layers were trainable.
        layer.Trainable = config["trainable"] is { } t ? (bool)t : true;
        return layer;
    }

    /// <summary>Releases the layer's weights.</summary>
    public virtual void Dispose()
    {
        IsDisposed = true;
        GC.SuppressFinalize(this);
    }

    /// <summary>Whether <see cref="Dispose"/> was called (its weights are gone).</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the layer is disposed.</summary>
    protected void ThrowIfDisposed()
    {
        if (IsDisposed) throw new ObjectDisposedException($"layer '{Name ?? BaseName}'", $"layer '{Name ?? BaseName}' was disposed");
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name ?? BaseName} ({ClassName})";
}
