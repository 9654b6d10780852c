using Degenerate.Activations;
using Degenerate.Layers;
using Degenerate.Tensors;

namespace Degenerate.Models;

/// <summary>
/// A plain stack of layers, each feeding the next, as <c>keras.Sequential</c>.
/// </summary>
/// <example><code>
/// using var model = new Sequential(
///     new Dense(16, "relu", inputDim: 3),
///     new Dense(1, "sigmoid"));
/// model.Compile("adam", "binary_crossentropy", ["accuracy"]);
/// var history = model.Fit(x, y, epochs: 100, validationSplit: 0.2);
/// </code></example>
public sealed class Sequential : Model
{
    private readonly List<Layer> _layers = new();
    private long? _declaredInput; // from an Input first layer

    /// <summary>Creates the model from layers, in order.</summary>
    public Sequential(params Layer[] layers) : base("sequential")
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers) Add(layer);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Layer> Layers => _layers;

    /// <summary>
    /// Appends a layer. Names left unset become "dense", "dense_1", ... as in Keras. An <see cref="Input"/> may come
    /// only first: it declares the input width (building the model once it has layers) and is not listed in
    /// <see cref="Layers"/>, as in Keras.
    /// </summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is Input input)
        {
            if (_layers.Count > 0 || _declaredInput is not null)
                throw new ArgumentException("an Input must be the model's first layer, and there can be only one", nameof(layer));
            _declaredInput = input.Shape[0];
            return;
        }
        if (_layers.Count == 0 && _declaredInput is { } width && layer.InputDim is { } own && own != width)
            throw new ArgumentException(
                $"layer '{layer.Name ?? layer.BaseName}' expects inputs of width {own} but the model's Input declares {width}", nameof(layer));
        if (_layers.Contains(layer)) throw new ArgumentException($"layer '{layer.Name}' is already in the model", nameof(layer));
        if (_layers.Count > 0 && layer.InputDim is { } declared && OutputWidth() is { } previous && previous != declared)
            throw new ArgumentException(
                $"layer declares inputDim {declared} but the previous layer '{_layers[^1].Name}' outputs {previous}", nameof(layer));
        if (layer.Name is null)
        {
            var count = _layers.Count(l => l.BaseName == layer.BaseName);
            layer.Name = count == 0 ? layer.BaseName : $"{layer.BaseName}_{count}";
        }
        else if (_layers.Any(l => l.Name == layer.Name))
        {
            throw new ArgumentException($"the model already has a layer named '{layer.Name}'", nameof(layer));
        }
        _layers.Add(layer);
        // A declared input width on the first layer builds the model at once (as keras.Input does).
        if (_layers.Count == 1 && (layer.InputDim ?? _declaredInput) is { } dim) Build(dim);
        else if (_layers.Count > 1 && _layers[0].Built) Build(_layers[0].InputDim!.Value);
    }

    // The width the last layer outputs, where it is known before the model is built (null otherwise).
    private long? OutputWidth()
    {
        long? width = _declaredInput ?? (_layers.Count > 0 ? _layers[0].InputDim : null);
        foreach (var l in _layers) width = l is Dense d ? d.Units : width is { } w ? l.OutputDim(w) : null;
        return width;
    }

    /// <summary>
    /// Removes the last layer and returns it, as Keras's <c>pop()</c>. The caller then owns the layer (and disposes
    /// it). A compiled model's optimizer is rebuilt for the weights that remain, with fresh state.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no layers.</exception>
    public Layer Pop()
    {
        ThrowIfDisposed();
        if (_layers.Count == 0) throw new InvalidOperationException("Pop: the model has no layers to remove");
        var layer = _layers[^1];
        _layers.RemoveAt(_layers.Count - 1);
        if (Built) BuildOptimizer();
        return layer;
    }

    /// <inheritdoc/>
    public override void Build(long inputDim)
    {
        if (_layers.Count == 0) throw new InvalidOperationException("the model has no layers: Add some before building it");
        var width = inputDim;
        foreach (var layer in _layers)
        {
            layer.Build(width, DType, Device);
            width = layer.OutputDim(width);
        }
        // The weights may be new (a layer added after Compile): the optimizer must track exactly these.
        BuildOptimizer();
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor x, bool training = false)
    {
        var (pre, activation) = CallSplit(x, training);
        if (activation is null) return pre;
        using (pre) return activation.Apply(pre);
    }

    /// <inheritdoc/>
    public override (Tensor PreActivation, ActivationFunction? Activation) CallSplit(Tensor x, bool training = false)
    {
        if (_layers.Count == 0) throw new InvalidOperationException("the model has no layers");
        if (!Built) throw new InvalidOperationException("the model is not built: its input width is unknown (give the first layer an inputDim, or Fit it)");
        var h = x;
        for (var i = 0; i < _layers.Count - 1; i++)
        {
            var next = _layers[i].Forward(h, training);
            if (!ReferenceEquals(h, x)) h.Dispose();
            h = next;
        }
        var result = _layers[^1].ForwardSplit(h, training);
        if (!ReferenceEquals(h, x)) h.Dispose();
        return result;
    }

    /// <summary>
    /// Loads a model written by <see cref="Model.Save"/>: architecture, exact weights and, if it was compiled,
    /// the optimizer (with its hyperparameters, fresh state), loss and metrics. Throws <see cref="InvalidDataException"/>
    /// for truncated, corrupt or other-version files.
    /// </summary>
    public static Sequential Load(string path, Device? device = null) => ModelFile.LoadSequential(path, device);
}
