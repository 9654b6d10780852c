namespace Degenerate.Optimizers.Schedules;

/// <summary>
/// Keras's InverseTimeDecay: lr(step) = initialLearningRate / (1 + decayRate · step / decaySteps), with
/// step / decaySteps floored when <see cref="Staircase"/> is set.
/// </summary>
public sealed class InverseTimeDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public InverseTimeDecay(double initialLearningRate, double decaySteps, double decayRate, bool staircase = false)
    {
        CheckRate(initialLearningRate, nameof(initialLearningRate));
        CheckSteps(decaySteps, nameof(decaySteps));
        if (!(decayRate >= 0) || !double.IsFinite(decayRate))
            throw new ArgumentOutOfRangeException(nameof(decayRate), decayRate, "decayRate must be a finite value >= 0");
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        DecayRate = decayRate;
        Staircase = staircase;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>The step unit of the decay.</summary>
    public double DecaySteps { get; }

    /// <summary>How fast the rate falls per <see cref="DecaySteps"/>.</summary>
    public double DecayRate { get; }

    /// <summary>Whether step / decaySteps is floored.</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    public override string Name => "InverseTimeDecay";

    /// <inheritdoc/>
    public override double Evaluate(long step)
    {
        var p = step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return InitialLearningRate / (1 + DecayRate * p);
    }
}
