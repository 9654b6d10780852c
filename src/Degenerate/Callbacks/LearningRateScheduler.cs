using System.Globalization;

namespace Degenerate.Callbacks;

/// <summary>
/// Sets the optimizer's learning rate at the start of every epoch from a schedule, as
/// <c>keras.callbacks.LearningRateScheduler</c>: <c>schedule(epoch, currentRate)</c> with a 0-based epoch. The rate in
/// force is added to the epoch's logs as "learning_rate". An optimizer built with a learning-rate schedule has no
/// single rate to set: Fit then fails at the first epoch, as in Keras.
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, double, double> _schedule;

    /// <summary>Creates the callback from a schedule of the epoch and the current rate.</summary>
    public LearningRateScheduler(Func<int, double, double> schedule, bool verbose = false)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Verbose = verbose;
    }

    /// <summary>Creates the callback from a schedule of the epoch alone.</summary>
    public LearningRateScheduler(Func<int, double> schedule, bool verbose = false)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = (epoch, _) => schedule(epoch);
        Verbose = verbose;
    }

    /// <summary>Whether to print each change.</summary>
    public bool Verbose { get; }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch)
    {
        var optimizer = Model?.Optimizer ?? throw new InvalidOperationException("LearningRateScheduler needs a compiled model");
        if (optimizer.LearningRateSchedule is not null)
            throw new InvalidOperationException(
                $"this {optimizer.Name} optimizer was created with a learning-rate schedule ({optimizer.LearningRateSchedule.Name}); " +
                "LearningRateScheduler cannot set its rate: use one or the other");
        var rate = _schedule(epoch, optimizer.LearningRate);
        if (!double.IsFinite(rate) || !(rate > 0))
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"the LearningRateScheduler schedule returned {rate} for epoch {epoch}; a learning rate must be finite and > 0"));
        optimizer.LearningRate = rate;
        if (Verbose)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {PythonFloat.Format(rate)}."));
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        if (Model?.Optimizer is { } optimizer) logs["learning_rate"] = optimizer.LearningRate;
    }
}
