using Degenerate.Callbacks;
using static Degenerate.Tests.Callbacks.CallbackTestModels;

namespace Degenerate.Tests.Callbacks;

public class ReduceLROnPlateauTests
{
    [Fact]
    public void DefaultsAreKeras()
    {
        var r = new ReduceLROnPlateau();
        Assert.Equal(("val_loss", 0.1, 10, 1e-4, 0, 0.0), (r.Monitor, r.Factor, r.Patience, r.MinDelta, r.Cooldown, r.MinLr));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 1.0));
        Assert.Equal("factor", e.ParamName);
    }

    [Fact]
    public void LearningRateSequenceFollowsKeras()
    {
        using var model = Linear(0, learningRate: 0.1);
        var r = new ReduceLROnPlateau(factor: 0.5, patience: 1, cooldown: 2, minLr: 0.02) { Model = model };
        r.OnTrainBegin();
        var logged = new List<double>();
        for (var e = 0; e < 8; e++)
        {
            var logs = Logs("val_loss", 1.0); // never improves after the first epoch
            r.OnEpochEnd(e, logs);
            logged.Add(logs["learning_rate"]);
        }
        // Keras: reduce at epoch 1 (cooldown 2); epoch 2 in cooldown; epoch 3 leaves cooldown and, the wait reaching
        // patience again, reduces; epoch 5 reduces to max(0.0125, min_lr); then the rate stays at min_lr.
        Assert.Equal([0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02], logged, new Tolerance(1e-15));
        Assert.Equal(0.02, model.Optimizer!.LearningRate, 1e-15);
    }

    [Fact]
    public void ImprovementsBeyondMinDeltaResetTheWait()
    {
        using var model = Linear(0, learningRate: 0.1);
        var r = new ReduceLROnPlateau(factor: 0.5, patience: 2, minDelta: 0.01) { Model = model };
        r.OnTrainBegin();
        double[] values = [1.0, 0.95, 0.945, 0.90, 0.895, 0.892];
        var rates = new List<double>();
        for (var e = 0; e < values.Length; e++)
        {
            r.OnEpochEnd(e, Logs("val_loss", values[e]));
            rates.Add(model.Optimizer!.LearningRate);
        }
        // 0.945 is not 0.01 below 0.95 (wait 1); 0.90 is (reset); 0.895, 0.892 are not: reduce at the last epoch.
        Assert.Equal([0.1, 0.1, 0.1, 0.1, 0.1, 0.05], rates, new Tolerance(1e-15));
    }

    [Fact]
    public void FitRecordsTheLearningRateInHistoryAndUsesIt()
    {
        var x = new[] { 1.0, 2.0, 3.0, 4.0 };
        var y = new[] { 2.0, 4.0, 6.0, 8.0 };
        using var model = Linear(0, learningRate: 0.01);
        var h = model.Fit(x, y, epochs: 4, batchSize: 4, shuffle: false, verbose: 0,
            callbacks: [new ReduceLROnPlateau("loss", factor: 0.5, patience: 1, minDelta: 1e9)]);
        Assert.Equal([0.01, 0.01, 0.005, 0.0025], h["learning_rate"], new Tolerance(1e-15));

        // Full-batch gradient descent on MSE: w ← w − lr·(−2/n)·Σ(y − w·x)·x, with the logged rate of each epoch.
        var w = 0.0;
        foreach (var lr in h["learning_rate"])
            w -= lr * (-2.0 / 4) * x.Select((v, i) => (y[i] - w * v) * v).Sum();
        Assert.Equal(w, Slope(model), 1e-12);
    }
}
