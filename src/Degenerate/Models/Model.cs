using Degenerate.Activations;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Metrics;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Models;

/// <summary>
/// The Keras training API shared by every model: <c>Compile</c>, <c>Fit</c>, <c>Evaluate</c>,
/// <c>Predict</c>, weights access, <see cref="Summary"/> and saving. Data is converted to one tensor on the
/// model's <see cref="Device"/> up front; batches are gathered on the device; the loss is read back from the device
/// only when it is reported.
/// </summary>
public abstract partial class Model : IDisposable
{
    private DType _dtype = DType.Float32;
    private Device? _device;
    private readonly List<Metric> _metrics = new();
    private List<string> _metricNames = new();
    private List<string> _weightedMetricNames = new();

    /// <summary>Sets the model's name.</summary>
    protected Model(string name) => Name = name;

    /// <summary>The model's name (shown by Summary).</summary>
    public string Name { get; set; }

    /// <summary>The model's layers, in order.</summary>
    public abstract IReadOnlyList<Layer> Layers { get; }

    /// <summary>The layer with this name, as Keras's <c>get_layer(name=...)</c>.</summary>
    /// <exception cref="ArgumentException">No layer has that name; the message lists the names there are.</exception>
    public Layer GetLayer(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Layers.FirstOrDefault(l => l.Name == name) ?? throw new ArgumentException(
            $"no layer named '{name}'; the model's layers are: {DescribeLayerNames()}", nameof(name));
    }

    /// <summary>
    /// The layer at this position, as Keras's <c>get_layer(index=...)</c>; a negative index counts from the end, as a
    /// Python index does (-1 is the last layer).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the model's layers.</exception>
    public Layer GetLayer(int index)
    {
        var count = Layers.Count;
        if (index >= count || index < -count)
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"the model has {count} layer(s) ({DescribeLayerNames()}): valid indices are {-count} to {count - 1}");
        return Layers[index < 0 ? count + index : index];
    }

    private string DescribeLayerNames() => Layers.Count == 0 ? "none" : string.Join(", ", Layers.Select(l => $"'{l.Name}'"));

    /// <summary>Optional logger: every epoch's figures and every diagnosis are also written here.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Set by callbacks (EarlyStopping, TerminateOnNaN) to end <c>Fit</c> after the current batch or epoch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>The optimizer given to <c>Compile</c>.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss given to <c>Compile</c>.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>The resolved metrics: those of <c>metrics</c>, then those of <c>weightedMetrics</c>.</summary>
    public IReadOnlyList<Metric> Metrics => _metrics;

    /// <summary>
    /// Forces the op-by-op path (one native call per tensor operation, autograd for gradients) even where a compiled
    /// training plan applies (a CPU stack of Dense layers: see docs/benchmarks.md), as Keras's <c>run_eagerly</c>.
    /// Both paths give the same numbers; the plan runs a whole epoch in one native call.
    /// </summary>
    public bool RunEagerly { get; set; }

    /// <summary>Whether <c>Compile</c> was called.</summary>
    public bool IsCompiled => Loss is not null && Optimizer is not null;

    /// <summary>Element type of the weights and of the data fed to them (Float32 by default, like Keras).</summary>
    public DType DType
    {
        get => _dtype;
        set
        {
            if (!value.IsFloatingPoint()) throw new ArgumentException($"model dtype must be a floating-point type, not {value.Name()}", nameof(DType));
            if (value == _dtype) return;
            _dtype = value;
            MoveWeights();
        }
    }

    /// <summary>Where the weights live and training runs; <see cref="Device.Default"/> unless set.</summary>
    public Device Device
    {
        get => _device ??= Device.Default;
        set
        {
            if (_device == value) return;
            _device = value;
            MoveWeights();
        }
    }

    private void MoveWeights()
    {
        foreach (var layer in Layers) layer.MoveTo(_dtype, Device);
        if (Optimizer is not null && Built) BuildOptimizer(); // new tensors: fresh optimizer state
    }

    /// <summary>Whether every layer has its weights.</summary>
    public bool Built => Layers.Count > 0 && Layers.All(l => l.Built);

    /// <summary>The input width, once known.</summary>
    public long? InputDim => Layers.Count > 0 ? Layers[0].InputDim : null;

    /// <summary>The output width (requires the input width to be known for shape-preserving last layers).</summary>
    public long OutputDim
    {
        get
        {
            if (Layers.Count == 0) throw new InvalidOperationException("the model has no layers");
            long? width = InputDim;
            foreach (var l in Layers)
            {
                if (l is Dense d) width = d.Units;
                else if (width is { } w) width = l.OutputDim(w);
                else throw new InvalidOperationException("the model's output width is unknown until its input width is");
            }
            return width!.Value;
        }
    }

    /// <summary>Every weight, trainable or not, layer by layer in Keras order (what GetWeights returns and files hold).</summary>
    public IReadOnlyList<Tensor> Weights => Layers.SelectMany(l => l.Weights).ToList();

    /// <summary>The weights of the layers that are <see cref="Layer.Trainable"/>, in Keras order: what the optimizer updates.</summary>
    public IReadOnlyList<Tensor> TrainableWeights => Layers.SelectMany(l => l.TrainableWeights).ToList();

    /// <summary>The weights of frozen layers, in Keras order.</summary>
    public IReadOnlyList<Tensor> NonTrainableWeights => Layers.SelectMany(l => l.NonTrainableWeights).ToList();

    /// <summary>Number of weights that Fit updates.</summary>
    public long TrainableParamCount => TrainableWeights.Sum(w => w.NumElements);

    /// <summary>Number of weights of frozen layers.</summary>
    public long NonTrainableParamCount => NonTrainableWeights.Sum(w => w.NumElements);

    private Tensor[] _optimizerWeights = [];

    // The optimizer tracks the trainable weights of this moment; Fit compares against them to catch a Trainable
    // change made after Compile (Keras fixes the trained set at compile time too).
    private protected void BuildOptimizer()
    {
        if (Optimizer is null) return;
        _optimizerWeights = TrainableWeights.ToArray();
        // Weight names ("kernel", "bias", ...) in the same order, for the optimizer's ExcludeFromWeightDecay patterns.
        Optimizer.SetParameterNames(Layers.SelectMany(l => l.TrainableWeights.Select(w =>
        {
            var i = l.Weights.ToList().FindIndex(x => ReferenceEquals(x, w));
            return i >= 0 && i < l.WeightNames.Count ? l.WeightNames[i] : "";
        })).ToList());
        Optimizer.Build(_optimizerWeights);
    }

    private protected bool OptimizerWeightsAreStale => !_optimizerWeights.SequenceEqual(TrainableWeights);

    /// <summary>Total number of weights.</summary>
    public long ParamCount => Layers.Sum(l => l.ParamCount);

    /// <summary>Creates the weights of every layer for inputs of the given width.</summary>
    public abstract void Build(long inputDim);

    /// <summary>The model's output for a batch (a forward pass, recorded by autograd unless under NoGrad).</summary>
    public abstract Tensor Call(Tensor x, bool training = false);

    /// <summary>The output before the final activation, and that activation (null if none).</summary>
    public abstract (Tensor PreActivation, ActivationFunction? Activation) CallSplit(Tensor x, bool training = false);

    // ------------------------------------------------------------------ compile

    /// <summary>
    /// Configures training, as Keras's <c>compile</c>. The optimizer and loss may be given by Keras name.
    /// Default optimizer: "rmsprop", as in Keras. <paramref name="metrics"/> are Keras metric names ("accuracy", "auc",
    /// "precision", "mse", ...: see docs/metrics.md), reported without sample weights; <paramref name="weightedMetrics"/>
    /// are reported with the sample weights (and Fit's classWeight), as Keras's <c>weighted_metrics</c>. A weighted metric
    /// whose name is already taken is logged as "weighted_" + name, as Keras does.
    /// </summary>
    public void Compile(Optimizer? optimizer = null, Loss? loss = null, IEnumerable<string>? metrics = null,
        IEnumerable<string>? weightedMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(loss, nameof(loss));
        // An optimizer keeps per-weight state and updates the weights it was built for, so it belongs to one model
        // (Keras refuses to apply an optimizer to variables it was not built with); sharing one silently trained the
        // wrong model.
        if (optimizer?.Owner is { } owner && !ReferenceEquals(owner, this) && !owner.IsDisposed)
            throw new InvalidOperationException(
                $"this {optimizer.Name} optimizer already trains model '{owner.Name}'; give model '{Name}' its own optimizer " +
                "instance (an optimizer keeps state for the weights of the one model it was compiled with)");
        if (Optimizer is { } previous && !ReferenceEquals(previous, optimizer))
        {
            previous.Dispose();
            previous.Owner = null;
        }
        Optimizer = optimizer ?? new RMSprop();
        Optimizer.Owner = this;
        Loss = loss;
        if (Optimizer is FullBatchOptimizer && DType != DType.Float64)
        {
            // Exact solvers need float64 to reach their tolerances (1e-8 on the coefficients).
            Logger?.LogInformation("{Solver} trains in float64: the model's dtype changes from {DType}", Optimizer.Name, DType.Name());
            DType = DType.Float64;
        }
        _metricNames = metrics?.ToList() ?? new List<string>();
        _weightedMetricNames = weightedMetrics?.ToList() ?? new List<string>();
        var units = SafeOutputDim();
        SetMetrics(_metricNames.Select(n => Metric.Get(n, loss, units)), _weightedMetricNames.Select(n => Metric.Get(n, loss, units)));
        if (Built) BuildOptimizer();
    }

    /// <summary>
    /// Configures training with metric objects (e.g. <c>new AUC(curve: "PR")</c>); <paramref name="weightedMetrics"/>
    /// see sample weights. Saved files keep PrecisionAtRecall (and the other threshold-search metrics), Precision, Recall
    /// and AUC objects with their settings; other metric objects are left out (names given as strings are kept).
    /// </summary>
    public void Compile(Optimizer optimizer, Loss loss, IEnumerable<Metric> metrics, IEnumerable<Metric>? weightedMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Compile(optimizer, loss, (IEnumerable<string>?)null);
        SetMetrics(metrics, weightedMetrics ?? []);
    }

    internal IReadOnlyList<string> MetricNames => _metricNames;

    internal IReadOnlyList<string> WeightedMetricNames => _weightedMetricNames;

    private long SafeOutputDim()
    {
        try { return OutputDim; }
        catch (InvalidOperationException) { return 1; }
    }

    private void EnsureCompiled(string operation)
    {
        if (!IsCompiled)
            throw new InvalidOperationException(
                $"{operation} needs a compiled model: call Compile(optimizer, loss) first, e.g. model.Compile(\"adam\", \"mse\")");
    }

    // ------------------------------------------------------------------ weights

    /// <summary>
    /// Copies of every weight in Keras order (per layer: kernel [in, out], then bias [out]), detached, on the model's
    /// device. The caller owns them.
    /// </summary>
    public Tensor[] GetWeights()
    {
        ThrowIfDisposed();
        using var noGrad = Autograd.NoGrad();
        return Weights.Select(w =>
        {
            var copy = w.Detach();
            var clone = copy.Clone();
            copy.Dispose();
            DisposeScope.Current?.Detach(clone);
            DisposeScope.Current?.Detach(copy);
            return clone;
        }).ToArray();
    }

    /// <summary>Overwrites every weight, in <see cref="GetWeights"/> order; shapes must match exactly.</summary>
    public void SetWeights(IReadOnlyList<Tensor> weights)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(weights);
        if (!Built) throw new InvalidOperationException("SetWeights needs a built model: give the first layer an inputDim, or Fit/Build it first");
        var targets = Weights;
        if (weights.Count != targets.Count)
            throw new ArgumentException($"expected {targets.Count} weight tensors ({DescribeWeights()}), got {weights.Count}", nameof(weights));
        for (var i = 0; i < targets.Count; i++)
        {
            if (!weights[i].Shape.SequenceEqual(targets[i].Shape))
                throw new ArgumentException(
                    $"weight {i} has shape {weights[i].ShapeString}, expected {targets[i].ShapeString} ({DescribeWeights()})", nameof(weights));
        }
        for (var i = 0; i < targets.Count; i++) targets[i].CopyFrom(weights[i]);
    }

    /// <summary>Overwrites every weight from arrays (<c>double[,]</c> kernels, <c>double[]</c> biases, or float versions).</summary>
    public void SetWeights(IReadOnlyList<Array> weights)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(weights);
        var tensors = weights.Select(a => a switch
        {
            double[,] m => Tensor.FromArray(m),
            float[,] m => Tensor.FromArray(m),
            double[] v => Tensor.FromArray(v),
            float[] v => Tensor.FromArray(v),
            _ => throw new ArgumentException($"unsupported weight array type {a.GetType().Name}; use double[,], double[], float[,] or float[]", nameof(weights)),
        }).ToList();
        try
        {
            SetWeights(tensors);
        }
        finally
        {
            foreach (var t in tensors) t.Dispose();
        }
    }

    private string DescribeWeights() => string.Join(", ", Layers.SelectMany(l =>
        l.Weights.Zip(l.WeightNames, (w, n) => $"{l.Name}/{n} {w.ShapeString}")));

    // ------------------------------------------------------------------ summary and saving

    /// <summary>Writes a Keras-style table of layers, output shapes and parameter counts to the console and returns it.</summary>
    public string Summary()
    {
        ThrowIfDisposed();
        var text = SummaryTable.Render(this);
        Console.Write(text);
        return text;
    }

    /// <summary>
    /// Saves architecture, weights and compile settings to <paramref name="path"/> in Degenerate's versioned model
    /// format (docs/model-format.md). The write is atomic: a failed save leaves an existing file intact.
    /// </summary>
    /// <exception cref="ArgumentException">The path ends in <c>.weights.h5</c>, the suffix of Keras weights files, which
    /// <see cref="SaveWeights"/> writes (Keras's <c>model.save</c> refuses it too).</exception>
    public void Save(string path)
    {
        if (Saving.KerasWeightsFile.IsKerasPath(path))
            throw new ArgumentException(
                $"'{path}' ends in {Saving.KerasWeightsFile.Suffix}, Keras's suffix for weights-only files: call SaveWeights for a Keras " +
                "weights file, or give Save another name (e.g. .dgm) for Degenerate's full model file", nameof(path));
        if (!SkipsSaving) ModelFile.Save(this, path, includeCompile: true);
    }

    /// <summary>
    /// Saves architecture and weights only (same format, no compile settings); atomic like <see cref="Save"/>. A path
    /// ending in <c>.weights.h5</c> writes Keras 3's weights file instead, which Keras's <c>model.load_weights</c> reads
    /// into the same Sequential (with the optimizer's state when compiled; docs/keras-interop.md).
    /// </summary>
    public void SaveWeights(string path)
    {
        if (SkipsSaving) return;
        if (Saving.KerasWeightsFile.IsKerasPath(path)) Saving.KerasWeightsWriter.Save(this, path);
        else ModelFile.Save(this, path, includeCompile: false);
    }

    /// <summary>
    /// Loads weights saved by <see cref="Save"/> or <see cref="SaveWeights"/> into this model; the layer shapes must
    /// match. A path ending in <c>.weights.h5</c> reads a Keras 3 weights file (<c>model.save_weights</c>) of a
    /// Sequential with the same layers; a mismatch throws <see cref="InvalidDataException"/> naming what differs.
    /// </summary>
    public void LoadWeights(string path)
    {
        if (Saving.KerasWeightsFile.IsKerasPath(path)) Saving.KerasWeightsReader.Load(this, path);
        else ModelFileLoader.LoadWeights(this, path);
    }

    /// <summary>
    /// Writes the trained model as an ONNX graph (opset 17, float32, any batch size), as Keras's
    /// <c>model.export(path, format="onnx")</c>: ONNX Runtime then serves it without Degenerate (docs/keras-interop.md).
    /// </summary>
    /// <exception cref="NotSupportedException">A layer or activation has no ONNX form here.</exception>
    public void ExportOnnx(string path) => Saving.OnnxExporter.Export(this, path);

    private bool _disposed;

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => _disposed;

    // Every entry point and every native plan reads the weights: a freed one must be an exception, never a segfault.
    internal void ThrowIfDisposed()
    {
        if (_disposed) throw DisposedModel();
        foreach (var layer in Layers)
        {
            var weights = layer.Weights;
            var names = layer.WeightNames;
            for (int i = 0; i < weights.Count; i++)
            {
                if (!weights[i].IsDisposed) continue;
                var weight = i < names.Count ? names[i] : $"#{i}";
                var layerName = layer.Name ?? layer.GetType().Name;
                throw new ObjectDisposedException($"{layerName}.{weight}",
                    $"weight '{weight}' of layer '{layerName}' in model '{Name}' was disposed");
            }
        }
    }

    private ObjectDisposedException DisposedModel() => new($"model '{Name}'", $"model '{Name}' was disposed");

    /// <summary>Releases every weight and the optimizer state.</summary>
    /// <exception cref="InvalidOperationException">Another thread is inside Fit, Predict or Evaluate of this model.</exception>
    public void Dispose()
    {
        MarkDisposed();
        foreach (var layer in Layers) layer.Dispose();
        foreach (var metric in _metrics) metric.ReleaseState(); // frees the metrics' state tensors
        Optimizer?.Dispose();
        GC.SuppressFinalize(this);
    }
}
