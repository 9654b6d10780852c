namespace Degenerate.Optimizers.Schedules;

/// <summary>
/// Keras's ExponentialDecay: lr(step) = initialLearningRate · decayRate^(step / decaySteps), the exponent floored
/// when <see cref="Staircase"/> is set (the rate then drops once every decaySteps steps).
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public ExponentialDecay(double initialLearningRate, double decaySteps, double decayRate, bool staircase = false)
    {
        CheckRate(initialLearningRate, nameof(initialLearningRate));
        CheckSteps(decaySteps, nameof(decaySteps));
        if (!(decayRate > 0) || !double.IsFinite(decayRate))
            throw new ArgumentOutOfRangeException(nameof(decayRate), decayRate, "decayRate must be a finite value > 0");
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        DecayRate = decayRate;
        Staircase = staircase;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Steps per factor of <see cref="DecayRate"/>.</summary>
    public double DecaySteps { get; }

    /// <summary>The factor applied every <see cref="DecaySteps"/> steps.</summary>
    public double DecayRate { get; }

    /// <summary>Whether the decay happens in whole steps of decaySteps.</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    public override string Name => "ExponentialDecay";

    /// <inheritdoc/>
    public override double Evaluate(long step)
    {
        var p = step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return InitialLearningRate * Math.Pow(DecayRate, p);
    }
}
