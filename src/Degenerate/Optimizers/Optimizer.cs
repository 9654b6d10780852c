using System.Globalization;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Optimizers;

/// <summary>
/// A gradient-based optimizer with Keras's defaults and update formulas (on every engine: TorchSharp's own optimizers
/// use PyTorch's formulas, so they are not used). The update of all parameters runs in one engine call per step where
/// the engine has fused optimizers. A Keras name ("adam", "adamw", "adamax", "nadam", "lion", "sgd", "rmsprop", "adagrad") works wherever an optimizer is expected.
/// </summary>
public abstract partial class Optimizer : IDisposable
{
    private double _learningRate;
    private EngineOptimizer? _native;
    private Tensor[] _parameters = [];

    /// <summary>Sets the shared hyperparameters.</summary>
    protected Optimizer(double learningRate, double? clipNorm, double? clipValue, double? weightDecay = null,
        double? globalClipnorm = null)
    {
        // Checked here too so the exception names the constructor argument, not the property.
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be a finite value > 0");
        LearningRate = learningRate;
        if (clipNorm is { } n && (!(n > 0) || !double.IsFinite(n))) throw new ArgumentOutOfRangeException(nameof(clipNorm), n, "clipNorm must be > 0");
        if (clipValue is { } v && (!(v > 0) || !double.IsFinite(v))) throw new ArgumentOutOfRangeException(nameof(clipValue), v, "clipValue must be > 0");
        if (clipNorm is not null && clipValue is not null)
            throw new ArgumentException(
                $"only one of clipNorm and clipValue can be set (as in Keras); got clipNorm={clipNorm}, clipValue={clipValue}",
                nameof(clipValue));
        if (weightDecay is { } d && (!(d >= 0) || !double.IsFinite(d)))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), d, "weightDecay must be a finite value >= 0");
        if (globalClipnorm is { } gn && (!(gn > 0) || !double.IsFinite(gn)))
            throw new ArgumentOutOfRangeException(nameof(globalClipnorm), gn, "globalClipnorm must be > 0");
        if (globalClipnorm is not null && (clipNorm is not null || clipValue is not null))
            throw new ArgumentException(
                $"only one of clipNorm, clipValue and globalClipnorm can be set (as in Keras); got clipNorm={clipNorm}, " +
                $"clipValue={clipValue}, globalClipnorm={globalClipnorm}", nameof(globalClipnorm));
        ClipNorm = clipNorm;
        ClipValue = clipValue;
        WeightDecay = weightDecay;
        GlobalClipnorm = globalClipnorm;
    }

    /// <summary>The Keras name ("adam", ...).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The step size; callbacks such as ReduceLROnPlateau change it during training. With a
    /// <see cref="LearningRateSchedule"/> it is the schedule's rate at <see cref="Iterations"/> and cannot be set.
    /// </summary>
    public double LearningRate
    {
        get => LearningRateSchedule?.Evaluate(Iterations) ?? _learningRate;
        set
        {
            if (LearningRateSchedule is { } schedule)
                throw new InvalidOperationException(
                    $"this {Name} optimizer's learning rate comes from a {schedule.Name} schedule, so it cannot be set (as in Keras); " +
                    "set LearningRateSchedule to null first");
            if (!(value > 0) || !double.IsFinite(value))
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "learning rate must be a finite value > 0");
            _learningRate = value;
        }
    }

    /// <summary>
    /// If set, the learning rate of each update is this schedule's rate at the number of updates before it (Keras's
    /// <c>learning_rate=schedule</c>); the constant <see cref="LearningRate"/> given to the constructor is then unused.
    /// </summary>
    public Schedules.LearningRateSchedule? LearningRateSchedule { get; set; }

    /// <summary>If set, each parameter's gradient is rescaled so its norm is at most this.</summary>
    public double? ClipNorm { get; }

    /// <summary>If set, each gradient element is clipped to [−value, value].</summary>
    public double? ClipValue { get; }

    /// <summary>
    /// If set, Keras's decoupled weight decay: before each update every parameter w becomes w − w·weightDecay·lr.
    /// </summary>
    public double? WeightDecay { get; }

    /// <summary>If set, all gradients together are rescaled so their joint (global) norm is at most this.</summary>
    public double? GlobalClipnorm { get; }

    /// <summary>Number of updates applied so far.</summary>
    public virtual long Iterations
    {
        get
        {
            if (_native is null) return 0;
            ObjectDisposedException.ThrowIf(_native.IsDisposed, this);
            return _native.Iterations;
        }
    }

    /// <summary>Optimizer-specific hyperparameters, in the order the native update reads them.</summary>
    internal abstract double[] NativeHyperparameters { get; }

    internal abstract int NativeKind { get; }

    /// <summary>The hyperparameters by Keras name, for summaries and saved files.</summary>
    public abstract IReadOnlyDictionary<string, double> Config { get; }

    /// <summary>(Re)creates the optimizer state (moments, accumulators) for these parameters.</summary>
    internal virtual void Build(IReadOnlyList<Tensor> parameters)
    {
        _native?.Dispose();
        _native = null;
        _parameters = parameters.ToArray();
        _decays = null;
        var handles = new EngineTensor[parameters.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = parameters[i].Handle;
        _native = (ForcePortable ? null : Engine.Current.CreateOptimizer(NativeKind, NativeHyperparameters, handles))
            ?? new PortableOptimizer(NativeKind, NativeHyperparameters, parameters);
    }

    /// <summary>The model this optimizer was compiled with (one model per optimizer); null before Compile.</summary>
    internal Models.Model? Owner { get; set; }

    // Test hook: builds the portable optimizer even where the engine has its own, so tests can compare the two.
    [ThreadStatic] internal static bool ForcePortable;

    internal virtual bool IsBuilt => _native is not null;

    /// <summary>The engine's optimizer state (for training plans); null until built.</summary>
    internal EngineOptimizer? State => _native;

    /// <summary>
    /// The state a model file keeps: <see cref="EngineOptimizer.SlotsPerParameter"/> tensors per parameter, in parameter
    /// order, aliasing the live state (the caller disposes them); null when the optimizer keeps no such state
    /// (not built, or a full-batch solver).
    /// </summary>
    internal Tensor[]? StateSlots()
    {
        if (_native is null) return null;
        ObjectDisposedException.ThrowIf(_native.IsDisposed, this);
        var slots = new Tensor[_parameters.Length * EngineOptimizer.SlotsPerParameter];
        for (var i = 0; i < _parameters.Length; i++)
            for (var k = 0; k < EngineOptimizer.SlotsPerParameter; k++)
                slots[i * EngineOptimizer.SlotsPerParameter + k] = new Tensor(_native.Slot(i, k));
        return slots;
    }

    /// <summary>Restores saved state: the step count and the slots (in <see cref="StateSlots"/>'s order and shapes).</summary>
    internal void RestoreState(long iterations, IReadOnlyList<Tensor> slots)
    {
        if (_native is null) throw new InvalidOperationException("optimizer state restored before the optimizer was built");
        if (slots.Count != _parameters.Length * EngineOptimizer.SlotsPerParameter)
            throw new ArgumentException(
                $"{slots.Count} optimizer slots for {_parameters.Length} parameters; expected {EngineOptimizer.SlotsPerParameter} each",
                nameof(slots));
        var live = StateSlots()!;
        try
        {
            // Every shape is checked before anything is copied, so a bad set leaves the state as it was.
            for (var i = 0; i < live.Length; i++)
            {
                if (!live[i].Shape.SequenceEqual(slots[i].Shape))
                    throw new ArgumentException(
                        $"optimizer slot {i} has shape {Tensor.FormatShape(slots[i].Shape)}, the parameter needs {Tensor.FormatShape(live[i].Shape)}",
                        nameof(slots));
            }
            using var noGrad = Autograd.NoGrad();
            for (var i = 0; i < live.Length; i++) live[i].CopyFrom(slots[i]);
            _native.SetIterations(iterations);
        }
        finally
        {
            foreach (var t in live) t.Dispose();
        }
    }

    /// <summary>Applies one update from the parameters' gradients, then clears the gradients.</summary>
    internal virtual void Step()
    {
        if (_native is null) throw new InvalidOperationException("optimizer used before it was built by Compile/Fit");
        ObjectDisposedException.ThrowIf(_native.IsDisposed, this);
        var lr = LearningRate;
        // Keras's order (base_optimizer.apply): clip the gradients, decay the weights, then the optimizer's own update.
        if (GlobalClipnorm is not null || WeightDecay is not null)
        {
            using var noGrad = Autograd.NoGrad();
            using var scope = new DisposeScope();
            var withGrad = _parameters.Select(p => (Param: p, Grad: p.Grad)).Where(x => x.Grad is not null).ToArray();
            var grads = withGrad.Select(x => x.Grad!).ToArray();
            if (GlobalClipnorm is { } clip && grads.Length > 0)
            {
                // scale = clip / max(‖g‖, clip), the global norm over all gradients, computed on the device.
                Tensor? sum = null;
                foreach (var g in grads) sum = sum is null ? g.Square().Sum() : sum + g.Square().Sum();
                var scale = sum!.Sqrt().ClampMin(clip).Reciprocal() * clip;
                foreach (var g in grads) g.CopyFrom(g * scale);
            }
            if (WeightDecay is { } wd && wd > 0)
                for (var i = 0; i < _parameters.Length; i++)
                    if (_parameters[i].Grad is not null && DecaysParameter(i, _parameters[i]))
                        _parameters[i].CopyFrom(_parameters[i] - _parameters[i] * (wd * lr));
        }
        _native.Step(lr, ClipNorm ?? 0, ClipValue ?? 0);
    }

    /// <summary>Frees the optimizer state.</summary>
    public void Dispose()
    {
        _native?.Dispose();
        _native = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Looks an optimizer up by its Keras name, with Keras defaults.</summary>
    public static Optimizer Get(string name) => name.Trim().ToLowerInvariant() switch
    {
        "sgd" => new SGD(),
        "adam" => new Adam(),
        "rmsprop" => new RMSprop(),
        "adagrad" => new Adagrad(),
        "adamw" => new AdamW(),
        "adamax" => new Adamax(),
        "nadam" => new Nadam(),
        "lion" => new Lion(),
        "newton" => new Newton(),
        "lbfgs" or "l-bfgs" => new LBFGS(),
        _ => throw new ArgumentException($"unknown optimizer '{name}'; expected sgd, adam, adamw, adamax, nadam, lion, rmsprop, adagrad, newton or lbfgs", nameof(name)),
    };

    /// <summary>Lets a Keras name stand wherever an optimizer is expected.</summary>
    public static implicit operator Optimizer(string name) => Get(name);

    /// <inheritdoc/>
    public override string ToString() =>
        Name + "(" + string.Join(", ", Config.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:G6}"))) + ")";
}
