using Degenerate.Callbacks;
using Degenerate.Optimizers;
using Degenerate.Optimizers.Schedules;
using static Degenerate.Tests.Callbacks.CallbackTestModels;

namespace Degenerate.Tests.Callbacks;

/// <summary>Replays keras/src/callbacks/learning_rate_scheduler_test.py.</summary>
public class LearningRateSchedulerTests
{
    private static readonly double[] X = [0.1, 0.2, 0.3, 0.4];

    [Fact]
    public void UpdatesLearningRate()
    {
        // test_updates_learning_rate: schedule 1 / (2 + epoch), one epoch -> 0.5.
        using var model = Linear(0);
        model.Fit(X, X, epochs: 1, callbacks: [new LearningRateScheduler(epoch => 1.0 / (2.0 + epoch))], verbose: 0);
        Assert.Equal(0.5, model.Optimizer!.LearningRate);
    }

    [Fact]
    public void ScheduleDependsOnPreviousLearningRate()
    {
        // test_schedule_dependent_on_previous_learning_rate: lr * 2 over 2 epochs from Adam(0.03) -> 0.12.
        using var model = Linear(0);
        model.Compile(new Adam(0.03), "mse");
        model.Fit(X, X, epochs: 2, callbacks: [new LearningRateScheduler((_, lr) => lr * 2)], verbose: 0);
        Assert.Equal(0.03 * 4.0, model.Optimizer!.LearningRate, 15);
    }

    [Fact]
    public void LearningRateIsInHistory()
    {
        // test_learning_rate_in_history: constant 0.5 -> history["learning_rate"][0] == 0.5.
        using var model = Linear(0);
        var history = model.Fit(X, X, epochs: 1, callbacks: [new LearningRateScheduler((_, _) => 0.5)], verbose: 0);
        Assert.Equal([0.5], history["learning_rate"]);
    }

    [Fact]
    public void EpochsAreZeroBasedAndTheRateTakesEffectThatEpoch()
    {
        // With SGD on y = w·x (one batch) the epoch's step is w -= lr · 2·mean(x²)(w - 1): the scheduled rate of the
        // epoch (0-based) must be the one used.
        using var model = Linear(0);
        var seen = new List<int>();
        model.Fit(X, X, epochs: 3, batchSize: 4, shuffle: false, verbose: 0,
            callbacks: [new LearningRateScheduler((epoch, _) => { seen.Add(epoch); return 0.1 * (epoch + 1); })]);
        Assert.Equal([0, 1, 2], seen);
        var meanSquare = X.Select(v => v * v).Average();
        var w = 0.0;
        for (var e = 0; e < 3; e++) w -= 0.1 * (e + 1) * 2 * meanSquare * (w - 1);
        Assert.Equal(w, Slope(model), 12);
    }

    [Fact]
    public void ThrowsWhenTheOptimizerHasASchedule()
    {
        // test_throws_when_optimizer_has_schedule.
        using var model = Linear(0);
        model.Compile(new Adam(0.01) { LearningRateSchedule = new ExponentialDecay(0.01, 10, 0.9) }, "mse");
        var e = Assert.Throws<InvalidOperationException>(() =>
            model.Fit(X, X, epochs: 1, callbacks: [new LearningRateScheduler((_, lr) => lr * 2)], verbose: 0));
        Assert.Contains("schedule", e.Message);
    }

    [Fact]
    public void ABadRateIsRefusedNamingTheEpoch()
    {
        using var model = Linear(0);
        var e = Assert.Throws<InvalidOperationException>(() =>
            model.Fit(X, X, epochs: 3, callbacks: [new LearningRateScheduler(epoch => epoch == 1 ? double.NaN : 0.1)], verbose: 0));
        Assert.Contains("epoch 1", e.Message);
        Assert.Throws<ArgumentNullException>(() => new LearningRateScheduler((Func<int, double>)null!));
    }
}
