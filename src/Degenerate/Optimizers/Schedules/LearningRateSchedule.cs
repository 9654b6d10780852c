namespace Degenerate.Optimizers.Schedules;

/// <summary>
/// A learning rate that depends on the optimizer's step, as Keras's <c>keras.optimizers.schedules</c>: set it as an
/// optimizer's <see cref="Optimizer.LearningRateSchedule"/> and each update uses the rate at the number of updates done
/// before it (<see cref="Optimizer.Iterations"/>: 0 for the first).
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at this optimizer step.</summary>
    public abstract double Evaluate(long step);

    /// <summary>The Keras class name ("ExponentialDecay", ...), as saved in model files.</summary>
    public abstract string Name { get; }

    // Shared argument checks; the names are the constructors' own.
    private protected static void CheckRate(double value, string name)
    {
        if (!(value >= 0) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite value >= 0");
    }

    private protected static void CheckSteps(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be > 0 (as in Keras)");
    }
}
