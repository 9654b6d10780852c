using System.Globalization;
using Degenerate.Activations;
using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Metrics;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Models;

/// <summary>
/// The Keras training API shared by every model: <c>Compile</c>, <see cref="Fit"/>, <see cref="Evaluate"/>,
/// <see cref="Predict"/>, weights access, <see cref="Summary"/> and saving. Data is converted to one tensor on the
/// model's <see cref="Device"/> up front; batches are gathered on the device; the loss is read back from the device
/// only when it is reported.
/// </summary>
public abstract class Model : IDisposable
{
    private DType _dtype = DType.Float32;
    private Device? _device;
    private readonly List<Metric> _metrics = new();
    private List<string> _metricNames = new();

    /// <summary>Sets the model's name.</summary>
    protected Model(string name) => Name = name;

    /// <summary>The model's name (shown by Summary).</summary>
    public string Name { get; set; }

    /// <summary>The model's layers, in order.</summary>
    public abstract IReadOnlyList<Layer> Layers { get; }

    /// <summary>Optional logger: every epoch's figures and every diagnosis are also written here.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Set by callbacks (EarlyStopping, TerminateOnNaN) to end <see cref="Fit"/> after the current batch or epoch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>The optimizer given to <c>Compile</c>.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss given to <c>Compile</c>.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>The resolved metrics.</summary>
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
        if (Optimizer is not null && Built) Optimizer.Build(TrainableWeights); // new tensors: fresh optimizer state
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

    /// <summary>Every trainable weight, layer by layer in Keras order.</summary>
    public IReadOnlyList<Tensor> TrainableWeights => Layers.SelectMany(l => l.Weights).ToList();

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
    /// Default optimizer: "rmsprop", as in Keras. <paramref name="metrics"/> are Keras metric names ("accuracy", "mse", "mae").
    /// </summary>
    public void Compile(Optimizer? optimizer = null, Loss? loss = null, IEnumerable<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(loss, nameof(loss));
        Optimizer?.Dispose();
        Optimizer = optimizer ?? new RMSprop();
        Loss = loss;
        if (Optimizer is FullBatchOptimizer && DType != DType.Float64)
        {
            // Exact solvers need float64 to reach their tolerances (1e-8 on the coefficients).
            Logger?.LogInformation("{Solver} trains in float64: the model's dtype changes from {DType}", Optimizer.Name, DType.Name());
            DType = DType.Float64;
        }
        _metricNames = metrics?.ToList() ?? new List<string>();
        _metrics.Clear();
        foreach (var name in _metricNames) _metrics.Add(Metric.Get(name, loss, SafeOutputDim()));
        if (Built) Optimizer.Build(TrainableWeights);
    }

    /// <summary>Configures training with metric objects.</summary>
    public void Compile(Optimizer optimizer, Loss loss, IEnumerable<Metric> metrics)
    {
        Compile(optimizer, loss, (IEnumerable<string>?)null);
        _metrics.AddRange(metrics);
    }

    internal IReadOnlyList<string> MetricNames => _metricNames;

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

    // ------------------------------------------------------------------ fit

    /// <summary>
    /// Trains the model, as Keras's <c>fit</c>. <paramref name="validationSplit"/> holds out the <em>last</em>
    /// fraction of rows (before any shuffling); <paramref name="validationData"/> overrides it. Losses are averaged
    /// over the batch with sample weights multiplied in (Keras's sum_over_batch_size). <paramref name="verbose"/>:
    /// 0 silent, 1 a progress bar (one line per epoch when output is not a terminal), 2 one line per epoch.
    /// </summary>
    /// <returns>The per-epoch figures ("loss", metrics and their "val_" counterparts).</returns>
    public History Fit(Data x, Data y, int epochs = 1, int batchSize = 32, double validationSplit = 0.0,
        (Data X, Data Y)? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, Data? sampleWeight = null, int initialEpoch = 0)
    {
        EnsureCompiled("Fit");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be >= 0");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be a positive integer");
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validationSplit must be in [0, 1)");
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose must be 0, 1 or 2");
        if (initialEpoch < 0) throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, "initialEpoch must be >= 0");

        var all = PrepareData(x, y, sampleWeight, "x", "y", "sampleWeight");
        var cleanup = new List<Tensor> { all.X, all.Y };
        if (all.W is not null) cleanup.Add(all.W);
        try
        {
            Batches train = all;
            Batches? validation = null;
            if (validationData is { } vd)
            {
                validation = PrepareData(vd.X, vd.Y, null, "validationData.X", "validationData.Y", null);
                cleanup.Add(validation.Value.X);
                cleanup.Add(validation.Value.Y);
            }
            else if (validationSplit > 0)
            {
                var n = all.Rows;
                var splitAt = (long)Math.Floor(n * (1 - validationSplit));
                if (splitAt <= 0 || splitAt >= n)
                    throw new ArgumentException(
                        $"validationSplit {validationSplit.ToString(CultureInfo.InvariantCulture)} of {n} rows leaves " +
                        $"{splitAt} training and {n - splitAt} validation rows; both must be non-empty", nameof(validationSplit));
                train = all.Rows2(0, splitAt);
                validation = all.Rows2(splitAt, n);
                cleanup.AddRange(train.Owned());
                cleanup.AddRange(validation.Value.Owned());
            }
            return RunFit(train, validation, epochs, batchSize, shuffle, callbacks, verbose, initialEpoch);
        }
        finally
        {
            foreach (var t in cleanup) t.Dispose();
        }
    }

    private History RunFit(Batches train, Batches? validation, int epochs, int batchSize, bool shuffle,
        IEnumerable<Callback>? userCallbacks, int verbose, int initialEpoch)
    {
        if (!Optimizer!.IsBuilt) Optimizer.Build(TrainableWeights);
        if (Optimizer is FullBatchOptimizer)
        {
            // Exact solvers see the whole training set at once; each epoch is one solver iteration.
            batchSize = (int)Math.Min(int.MaxValue, train.Rows);
            shuffle = false;
        }
        var history = new History();
        var steps = (int)((train.Rows + batchSize - 1) / batchSize);
        var callbacks = new List<Callback>();
        using var tracker = new EpochTracker(this, Device);
        if (userCallbacks is not null) callbacks.AddRange(userCallbacks);
        // Last, as Keras appends it: the printed line then shows what callbacks added (e.g. learning_rate).
        var progbar = verbose > 0 ? new ProgbarLogger(verbose, epochs, steps, tracker) : null;
        if (progbar is not null) callbacks.Add(progbar);
        foreach (var c in callbacks) c.Model = this;
        // One native call per epoch where the model and callbacks allow it; the op-by-op loop otherwise.
        var plan = TrainingPlan.ForTraining(this, callbacks);

        StopTraining = false;
        Dictionary<string, double> logs = new();
        foreach (var c in callbacks) c.OnTrainBegin();
        for (var epoch = initialEpoch; epoch < epochs; epoch++)
        {
            foreach (var c in callbacks) c.OnEpochBegin(epoch);
            tracker.Reset();
            using (var perm = shuffle ? Tensor.RandPerm(train.Rows, Device) : null)
            {
                DisposeScope.Current?.Detach(perm!);
                if (plan is not null)
                {
                    tracker.AddEpoch(plan.FitEpoch(Optimizer, train.X, train.Y, train.W, perm, batchSize), train.Rows);
                    progbar?.StepsCompleted(steps);
                }
                else for (var step = 0; step < steps; step++)
                {
                    var start = (long)step * batchSize;
                    var end = Math.Min(start + batchSize, train.Rows);
                    using var scope = new DisposeScope();
                    var batch = perm is null ? train.Rows2(start, end) : train.Gather(perm.Slice(0, start, end));
                    var loss = TrainStep(batch, tracker);
                    foreach (var c in callbacks) c.OnTrainBatchEnd(step, new BatchLogs(loss, end - start));
                    if (StopTraining) break;
                }
            }
            logs = tracker.Results(prefix: "");
            if (validation is { } v)
                foreach (var (key, value) in EvaluateBatches(v, batchSize)) logs["val_" + key] = value;
            foreach (var c in callbacks) c.OnEpochEnd(epoch, logs);
            history.Record(epoch, logs);
            Logger?.LogInformation("Epoch {Epoch}/{Epochs}: {Figures}", epoch + 1, epochs, FormatLogs(logs));
            if (StopTraining) break;
        }
        foreach (var c in callbacks) c.OnTrainEnd(logs);
        return history;
    }

    internal static string FormatLogs(IReadOnlyDictionary<string, double> logs) =>
        string.Join(" - ", logs.Select(kv => $"{kv.Key}: {ProgbarLogger.FormatValue(kv.Value)}"));

    // One optimizer step on one batch; returns the batch loss (a scalar tensor owned by the caller's scope).
    private Tensor TrainStep(Batches batch, EpochTracker tracker)
    {
        if (Optimizer is FullBatchOptimizer solver) return SolverStep(solver, batch, tracker);
        var (perSample, predictions) = ForwardLoss(batch.X, batch.Y, training: true, needPredictions: _metrics.Count > 0);
        var loss = Losses.Loss.Reduce(perSample, batch.W);
        foreach (var layer in Layers)
        {
            var penalty = layer.RegularizationLoss();
            if (penalty is not null) loss = loss + penalty;
        }
        loss.Backward();
        Optimizer!.Step();
        tracker.Add(loss, batch.Rows, batch.Y, predictions);
        return loss;
    }

    // One iteration of an exact solver; the loss it reports is the one at the start of the iteration (as for a
    // gradient step). Convergence ends Fit, logged.
    private Tensor SolverStep(FullBatchOptimizer solver, Batches batch, EpochTracker tracker)
    {
        Tensor? first = null, firstPredictions = null;
        var converged = solver.Iterate(() =>
        {
            var (perSample, predictions) = ForwardLoss(batch.X, batch.Y, training: true, needPredictions: _metrics.Count > 0);
            var loss = Losses.Loss.Reduce(perSample, batch.W);
            foreach (var layer in Layers)
            {
                var penalty = layer.RegularizationLoss();
                if (penalty is not null) loss = loss + penalty;
            }
            if (first is null)
            {
                first = loss.Detach();
                DisposeScope.Current?.Detach(first);
                if (predictions is not null)
                {
                    firstPredictions = predictions.Detach();
                    DisposeScope.Current?.Detach(firstPredictions);
                }
            }
            return loss;
        });
        DisposeScope.Current?.Register(first!);
        if (firstPredictions is not null) DisposeScope.Current?.Register(firstPredictions);
        tracker.Add(first!, batch.Rows, batch.Y, firstPredictions);
        if (converged)
        {
            StopTraining = true;
            Logger?.LogInformation("{Solver} converged after {Iterations} iteration(s)", solver.Name, solver.Iterations);
        }
        return first!;
    }

    // Per-sample loss, through the final activation's logits form when the loss has one; predictions for metrics.
    private (Tensor PerSample, Tensor? Predictions) ForwardLoss(Tensor x, Tensor y, bool training, bool needPredictions)
    {
        var (pre, activation) = CallSplit(x, training);
        if (activation is null) return (Loss!.PerSample(y, pre), pre);
        var fromLogits = Loss!.PerSampleFromLogits(y, pre, activation);
        if (fromLogits is null)
        {
            var output = activation.Apply(pre);
            return (Loss.PerSample(y, output), output);
        }
        if (!needPredictions) return (fromLogits, null);
        using (Autograd.NoGrad()) return (fromLogits, activation.Apply(pre));
    }

    // ------------------------------------------------------------------ evaluate / predict

    /// <summary>
    /// Loss and metrics on the given data, as Keras's <c>evaluate</c> with <c>return_dict=True</c>: keys "loss" and the
    /// metric names. The loss includes weight penalties, as in Keras.
    /// </summary>
    public IReadOnlyDictionary<string, double> Evaluate(Data x, Data y, int batchSize = 32, Data? sampleWeight = null)
    {
        EnsureCompiled("Evaluate");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be a positive integer");
        var data = PrepareData(x, y, sampleWeight, "x", "y", "sampleWeight");
        try
        {
            return EvaluateBatches(data, batchSize);
        }
        finally
        {
            foreach (var t in data.Owned()) t.Dispose();
        }
    }

    private Dictionary<string, double> EvaluateBatches(Batches data, int batchSize)
    {
        using var noGrad = Autograd.NoGrad();
        using var tracker = new EpochTracker(this, Device);
        for (long start = 0; start < data.Rows; start += batchSize)
        {
            using var scope = new DisposeScope();
            var batch = data.Rows2(start, Math.Min(start + batchSize, data.Rows));
            var (perSample, predictions) = ForwardLoss(batch.X, batch.Y, training: false, needPredictions: _metrics.Count > 0);
            tracker.Add(Losses.Loss.Reduce(perSample, batch.W), batch.Rows, batch.Y, predictions);
        }
        var results = tracker.Results(prefix: "");
        using (var scope = new DisposeScope())
        {
            foreach (var layer in Layers)
                if (layer.RegularizationLoss() is { } penalty) results["loss"] += penalty.Item();
        }
        return results;
    }

    /// <summary>
    /// The model's outputs for <paramref name="x"/>, computed in batches without autograd, as Keras's <c>predict</c>.
    /// The result lives on the model's device; the caller owns it (<c>ToArray2D&lt;float&gt;()</c> copies it out).
    /// </summary>
    public Tensor Predict(Data x, int batchSize = 32)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be a positive integer");
        using var input = PrepareInputs(x, "x");
        using var noGrad = Autograd.NoGrad();
        var n = input.Size(0);
        if (n > batchSize && TrainingPlan.Predict(this, input) is { } planned)
        {
            DisposeScope.Current?.Detach(planned);
            return planned;
        }
        if (n <= batchSize)
        {
            var single = Call(input);
            DisposeScope.Current?.Detach(single);
            return single;
        }
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < n; start += batchSize)
            {
                using var slice = input.Slice(0, start, Math.Min(start + batchSize, n));
                var part = Call(slice);
                DisposeScope.Current?.Detach(part);
                parts.Add(part);
            }
            var result = Tensor.Cat(parts, 0);
            DisposeScope.Current?.Detach(result);
            return result;
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    // ------------------------------------------------------------------ data preparation and checks

    private Tensor PrepareInputs(Data x, string argument)
    {
        if (x.IsEmpty) throw new ArgumentException($"{argument} is empty", argument);
        if (x.Rows == 0) throw new ArgumentException($"{argument} has no rows: shape {x.ShapeString}", argument);
        var t = x.ToTensor(DType, Device, asMatrix: true);
        try
        {
            var width = t.Size(1);
            if (InputDim is { } expected && expected != width)
                throw new ArgumentException(
                    $"{argument} has shape {t.ShapeString}: {width} feature column(s), but the model's first layer expects {expected} (input width {expected})",
                    argument);
            if (!Built) Build(width);
            CheckFinite(t, argument);
            return t;
        }
        catch
        {
            t.Dispose();
            throw;
        }
    }

    private Batches PrepareData(Data x, Data y, Data? sampleWeight, string xName, string yName, string? wName)
    {
        if (y.IsEmpty) throw new ArgumentException($"{yName} is empty", yName);
        if (!x.IsEmpty && x.Rows != y.Rows)
            throw new ArgumentException(
                $"{xName} has {x.Rows} rows (shape {x.ShapeString}) but {yName} has {y.Rows} rows (shape {y.ShapeString}); they must match",
                xName);
        if (sampleWeight is { } sw && sw.Rows != y.Rows)
            throw new ArgumentException(
                $"{wName} has {sw.Rows} entries but {yName} has {y.Rows} rows; they must match", wName);
        var xt = PrepareInputs(x, xName);
        Tensor? yt = null, wt = null;
        try
        {
            var outputs = OutputDim;
            if (Loss!.TakesClassIndices)
            {
                if (!y.IsInteger)
                    throw new ArgumentException(
                        $"{yName} holds floating-point values but {Loss.Name} takes integer class labels: pass int[] (or an int64 tensor)", yName);
                yt = y.ToTensor(DType.Int64, Device, asMatrix: false);
                if (yt.Rank == 2 && yt.Size(1) == 1)
                {
                    var flat = yt.Reshape(-1);
                    DisposeScope.Current?.Detach(flat);
                    yt.Dispose();
                    yt = flat;
                }
            }
            else
            {
                yt = y.ToTensor(DType, Device, asMatrix: true);
                CheckFinite(yt, yName);
            }
            Loss.ValidateTargets(yt, outputs, yName);
            if (sampleWeight is { } s)
            {
                wt = s.ToTensor(DType, Device, asMatrix: false);
                if (wt.Rank != 1)
                {
                    var flat = wt.Reshape(-1);
                    DisposeScope.Current?.Detach(flat);
                    wt.Dispose();
                    wt = flat;
                }
                CheckFinite(wt, wName!);
                using var min = wt.Min();
                if (min.Item() < 0)
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{wName} holds negative weights (minimum {min.Item()})"), wName);
            }
            return new Batches(xt, yt, wt, owned: true);
        }
        catch
        {
            xt.Dispose();
            yt?.Dispose();
            wt?.Dispose();
            throw;
        }
    }

    private static void CheckFinite(Tensor t, string argument)
    {
        if (t.AllFinite()) return;
        using var scope = new DisposeScope();
        var flat = t.Reshape(-1);
        var bad = flat.IsFinite().LogicalNot().To(DType.Float32);
        var index = (long)bad.ArgMax(0).Item();
        var value = flat.Slice(0, index, index + 1).Item();
        var where = t.Rank == 2 ? $"row {index / t.Size(1)}, column {index % t.Size(1)}" : $"row {index}";
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{argument} contains NaN or infinite values (first: {value} at {where})"), argument);
    }

    // ------------------------------------------------------------------ weights

    /// <summary>
    /// Copies of every weight in Keras order (per layer: kernel [in, out], then bias [out]), detached, on the model's
    /// device. The caller owns them.
    /// </summary>
    public Tensor[] GetWeights()
    {
        using var noGrad = Autograd.NoGrad();
        return TrainableWeights.Select(w =>
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
        ArgumentNullException.ThrowIfNull(weights);
        if (!Built) throw new InvalidOperationException("SetWeights needs a built model: give the first layer an inputDim, or Fit/Build it first");
        var targets = TrainableWeights;
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
        var text = SummaryTable.Render(this);
        Console.Write(text);
        return text;
    }

    /// <summary>
    /// Saves architecture, weights and compile settings to <paramref name="path"/> in Degenerate's versioned model
    /// format (docs/model-format.md). The write is atomic: a failed save leaves an existing file intact.
    /// </summary>
    public void Save(string path) => ModelFile.Save(this, path, includeCompile: true);

    /// <summary>Saves architecture and weights only (same format, no compile settings); atomic like <see cref="Save"/>.</summary>
    public void SaveWeights(string path) => ModelFile.Save(this, path, includeCompile: false);

    /// <summary>Loads weights saved by <see cref="Save"/> or <see cref="SaveWeights"/> into this model; the layer shapes must match.</summary>
    public void LoadWeights(string path)
    {
        var file = ModelFile.Read(path);
        try
        {
            if (!Built && file.InputDim is { } dim) Build(dim);
            SetWeights(file.Weights);
        }
        finally
        {
            foreach (var w in file.Weights) w.Dispose();
        }
    }

    /// <summary>Releases every weight and the optimizer state.</summary>
    public void Dispose()
    {
        foreach (var layer in Layers) layer.Dispose();
        Optimizer?.Dispose();
        GC.SuppressFinalize(this);
    }

    // ------------------------------------------------------------------ helpers

    // A set of rows: inputs, targets and optional sample weights, all on the model's device.
    private readonly record struct Batches(Tensor X, Tensor Y, Tensor? W, bool owned)
    {
        public long Rows => X.Size(0);

        public Batches Rows2(long start, long end) =>
            new(X.Slice(0, start, end), Y.Slice(0, start, end), W?.Slice(0, start, end), owned: true);

        public Batches Gather(Tensor index) =>
            new(X.IndexSelect(0, index), Y.IndexSelect(0, index), W?.IndexSelect(0, index), owned: true);

        public IEnumerable<Tensor> Owned() => W is null ? [X, Y] : [X, Y, W];
    }

    // Running sums of the loss (weighted by batch size, as Keras's loss tracker) and metrics, kept on the device.
    internal sealed class EpochTracker : IDisposable
    {
        private readonly Model _model;
        private readonly Device _device;
        private Tensor? _loss;
        private double _hostLoss;
        private Tensor[] _metrics = [];
        private long _seen;

        public EpochTracker(Model model, Device device)
        {
            _model = model;
            _device = device;
        }

        public void Dispose()
        {
            _loss?.Dispose();
            foreach (var m in _metrics) m.Dispose();
        }

        public void Reset()
        {
            Dispose();
            _loss = Detached(Tensor.Zeros([], DType.Float64, _device));
            _metrics = _model._metrics.Select(_ => Detached(Tensor.Zeros([], DType.Float64, _device))).ToArray();
            _seen = 0;
            _hostLoss = 0;
        }

        private static Tensor Detached(Tensor t)
        {
            DisposeScope.Current?.Detach(t);
            return t;
        }

        public void Add(Tensor batchLoss, long rows, Tensor y, Tensor? predictions)
        {
            if (_loss is null) Reset();
            _loss!.AddInPlace(batchLoss, rows);
            if (predictions is not null && _model._metrics.Count > 0)
            {
                using var noGrad = Autograd.NoGrad();
                for (var i = 0; i < _model._metrics.Count; i++)
                {
                    using var values = _model._metrics[i].PerSample(y, predictions);
                    using var sum = values.Sum();
                    _metrics[i].AddInPlace(sum);
                }
            }
            _seen += rows;
        }

        /// <summary>Adds a whole epoch's loss computed by a training plan: Σ weight × per-sample loss over its rows.</summary>
        public void AddEpoch(double lossSum, long rows)
        {
            if (_loss is null) Reset();
            _hostLoss += lossSum;
            _seen += rows;
        }

        public long Seen => _seen;

        /// <summary>Means so far (reads the device).</summary>
        public Dictionary<string, double> Results(string prefix)
        {
            var results = new Dictionary<string, double>();
            if (_loss is null || _seen == 0) return results;
            results[prefix + "loss"] = (_loss.Item() + _hostLoss) / _seen;
            for (var i = 0; i < _metrics.Length; i++) results[prefix + _model._metrics[i].Name] = _metrics[i].Item() / _seen;
            return results;
        }
    }
}
