namespace Degenerate.Tensors.Engines;

/// <summary>
/// What a fused epoch does besides the plain update (see Models/TrainingPlan.cs), in the order
/// <see cref="Optimizers.Optimizer"/>'s Step and the op-by-op loop do it: the regularizers' gradients join the loss's,
/// then global clipping, weight decay, then per parameter clipping by value and by norm, then the optimizer's update at
/// that step's learning rate. Zero (or null) means "not used" for every field.
/// </summary>
internal sealed class FusedTrainingOptions
{
    /// <summary>The learning rate of each step of the epoch, in order (a schedule's); null: the one rate given.</summary>
    public double[]? LearningRates { get; init; }

    /// <summary>Per parameter (the optimizer's order) the L1 factor of its regularizer; null: no L1 anywhere.</summary>
    public double[]? L1 { get; init; }

    /// <summary>Per parameter the L2 factor of its regularizer; null: no L2 anywhere.</summary>
    public double[]? L2 { get; init; }

    /// <summary>Keras's clipnorm: each gradient scaled to at most this L2 norm.</summary>
    public double ClipNorm { get; init; }

    /// <summary>Keras's clipvalue: each gradient element clamped to ±this.</summary>
    public double ClipValue { get; init; }

    /// <summary>Keras's global_clipnorm: all gradients scaled together to at most this joint L2 norm.</summary>
    public double GlobalClipnorm { get; init; }

    /// <summary>Keras's weight_decay: every parameter shrinks by p·decay·lr before the update.</summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// Per parameter (the optimizer's order) whether <see cref="WeightDecay"/> applies to it (false: excluded, Keras's
    /// exclude_from_weight_decay); null: it applies to every parameter.
    /// </summary>
    public bool[]? Decays { get; init; }

    /// <summary>
    /// Per layer, the dropout noise applied to that layer's output (after its activation) in training, or null: a
    /// [rows, units] tensor of the parameters' dtype whose row k multiplies the k-th row visited (0 or 1/(1 − rate),
    /// drawn as the op-by-op path draws it). Null: no dropout anywhere.
    /// </summary>
    public EngineTensor?[]? DropoutNoise { get; init; }

    /// <summary>Whether anything but the plain update is asked for.</summary>
    public bool AdjustsGradients => L1 is not null || L2 is not null || ClipNorm > 0 || ClipValue > 0 || GlobalClipnorm > 0 || WeightDecay > 0;

    /// <summary>The learning rate of step <paramref name="k"/> of the epoch (0-based).</summary>
    public double RateAt(long k, double fallback) => LearningRates is { } rates && k < rates.Length ? rates[k] : fallback;

    /// <summary>Checks every field against the parameter and layer counts, naming what is wrong.</summary>
    public void Validate(int parameters, int layers)
    {
        if (L1 is { } l1 && l1.Length != parameters)
            throw new ArgumentException($"training plan: {l1.Length} L1 factors for {parameters} parameters", nameof(L1));
        if (L2 is { } l2 && l2.Length != parameters)
            throw new ArgumentException($"training plan: {l2.Length} L2 factors for {parameters} parameters", nameof(L2));
        if (Decays is { } decays && decays.Length != parameters)
            throw new ArgumentException($"training plan: {decays.Length} weight-decay flags for {parameters} parameters", nameof(Decays));
        foreach (var f in (L1 ?? []).Concat(L2 ?? []))
            if (!(f >= 0) || !double.IsFinite(f))
                throw new ArgumentOutOfRangeException(nameof(L1), f, "training plan: regularizer factors must be finite values >= 0");
        foreach (var (name, value) in new[] { ("ClipNorm", ClipNorm), ("ClipValue", ClipValue), ("GlobalClipnorm", GlobalClipnorm), ("WeightDecay", WeightDecay) })
            if (!(value >= 0) || !double.IsFinite(value))
                throw new ArgumentOutOfRangeException(name, value, $"training plan: {name} must be a finite value >= 0 (0: not used)");
        foreach (var lr in LearningRates ?? [])
            if (!(lr > 0) || !double.IsFinite(lr))
                throw new ArgumentOutOfRangeException(nameof(LearningRates), lr, "training plan: every learning rate must be a finite value > 0");
        if (DropoutNoise is { } noise && noise.Length != layers)
            throw new ArgumentException($"training plan: {noise.Length} dropout entries for {layers} layers", nameof(DropoutNoise));
        if (DropoutNoise is { } last && last.Length > 0 && last[^1] is not null)
            throw new ArgumentException("training plan: dropout after the last layer is not supported (it would act on the output)", nameof(DropoutNoise));
    }
}
