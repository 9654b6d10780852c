namespace Degenerate.Optimizers.Schedules;

/// <summary>
/// Keras 3's CosineDecay with optional linear warm-up. Without <see cref="WarmupTarget"/>: lr(step) =
/// initial·((1 − α)·½(1 + cos(π·min(step, decaySteps)/decaySteps)) + α). With it: the rate rises linearly from
/// initialLearningRate to warmupTarget over warmupSteps, then decays from warmupTarget to warmupTarget·α over
/// decaySteps, and stays there.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule (Keras defaults: alpha 0, no warm-up).</summary>
    public CosineDecay(double initialLearningRate, double decaySteps, double alpha = 0.0, double? warmupTarget = null,
        double warmupSteps = 0)
    {
        CheckRate(initialLearningRate, nameof(initialLearningRate));
        CheckSteps(decaySteps, nameof(decaySteps));
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1]");
        if (warmupTarget is { } target) CheckRate(target, nameof(warmupTarget));
        if (!(warmupSteps >= 0) || !double.IsFinite(warmupSteps))
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warmupSteps must be a finite value >= 0");
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        Alpha = alpha;
        WarmupTarget = warmupTarget;
        WarmupSteps = warmupSteps;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Steps the cosine decay lasts.</summary>
    public double DecaySteps { get; }

    /// <summary>The final rate as a fraction of the rate the decay starts from.</summary>
    public double Alpha { get; }

    /// <summary>The rate the warm-up reaches; null for no warm-up.</summary>
    public double? WarmupTarget { get; }

    /// <summary>Steps the warm-up lasts.</summary>
    public double WarmupSteps { get; }

    /// <inheritdoc/>
    public override string Name => "CosineDecay";

    /// <inheritdoc/>
    public override double Evaluate(long step)
    {
        if (WarmupTarget is not { } target) return Decay(Math.Min(step, DecaySteps), InitialLearningRate);
        var s = Math.Min(step, DecaySteps + WarmupSteps);
        return s < WarmupSteps
            ? (target - InitialLearningRate) * (s / WarmupSteps) + InitialLearningRate
            : Decay(s - WarmupSteps, target);
    }

    private double Decay(double step, double from)
    {
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * step / DecaySteps));
        return from * ((1 - Alpha) * cosine + Alpha);
    }
}
