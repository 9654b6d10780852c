using Degenerate.Callbacks;
using static Degenerate.Tests.Callbacks.CallbackTestModels;

namespace Degenerate.Tests.Callbacks;

public class EarlyStoppingTests
{
    // Feeds a sequence of monitored values, as Fit would, and returns the epoch at which training was stopped (or -1).
    private static int Run(EarlyStopping es, params double[] values)
    {
        using var model = Linear(0);
        es.Model = model;
        model.StopTraining = false;
        es.OnTrainBegin();
        for (var e = 0; e < values.Length; e++)
        {
            es.OnEpochEnd(e, Logs(es.Monitor, values[e]));
            if (model.StopTraining) return e;
        }
        return -1;
    }

    [Fact]
    public void DefaultsAreKeras()
    {
        var es = new EarlyStopping();
        Assert.Equal(("val_loss", 0.0, 0, false, false, null, 0), (es.Monitor, es.MinDelta, es.Patience, es.RestoreBestWeights, es.Maximize, es.Baseline, es.StartFromEpoch));
        Assert.True(new EarlyStopping("val_accuracy").Maximize);
        Assert.False(new EarlyStopping("loss").Maximize);
        Assert.True(new EarlyStopping("loss", mode: MonitorMode.Max).Maximize);
    }

    [Fact]
    public void StopsOncePatienceEpochsInARowFailToImprove()
    {
        // best 1.0, 0.9; then 0.95 (wait 1), 0.91 (wait 2 = patience): stop at epoch 3.
        Assert.Equal(3, Run(new EarlyStopping(patience: 2), 1.0, 0.9, 0.95, 0.91, 0.8));
        // An improvement resets the count.
        Assert.Equal(-1, Run(new EarlyStopping(patience: 2), 1.0, 1.1, 0.9, 1.0, 0.8, 0.85));
        // Patience 0 stops at the first epoch that does not improve.
        Assert.Equal(1, Run(new EarlyStopping(), 1.0, 1.0));
    }

    [Fact]
    public void MinDeltaIsTheSmallestChangeThatCounts()
    {
        Assert.Equal(-1, Run(new EarlyStopping(patience: 1), 1.0, 0.97, 0.94));
        Assert.Equal(1, Run(new EarlyStopping(patience: 1, minDelta: 0.05), 1.0, 0.97, 0.94));
        Assert.Equal(-1, Run(new EarlyStopping(patience: 1, minDelta: 0.05), 1.0, 0.94, 0.88));
        // Maximized figures: higher by more than min_delta.
        Assert.Equal(2, Run(new EarlyStopping("val_accuracy", patience: 1, minDelta: 0.01), 0.5, 0.6, 0.605));
    }

    [Fact]
    public void NeverStopsAtTheFirstEpoch()
    {
        // With a baseline the first epoch can fail to improve, but Keras never stops at epoch 0.
        Assert.Equal(1, Run(new EarlyStopping(patience: 0, baseline: 0.5), 1.0, 1.0));
        // Below the baseline counts as improving.
        Assert.Equal(-1, Run(new EarlyStopping(patience: 0, baseline: 0.5), 0.4, 0.3));
    }

    [Fact]
    public void MonitoringStartsAtStartFromEpoch()
    {
        Assert.Equal(3, Run(new EarlyStopping(patience: 0, startFromEpoch: 2), 1.0, 2.0, 3.0, 4.0));
    }

    [Fact]
    public void RestoresTheBestEpochsWeightsAtTheEndEvenWithoutAStop()
    {
        using var model = Linear(0);
        var es = new EarlyStopping(patience: 10, restoreBestWeights: true) { Model = model };
        es.OnTrainBegin();
        double[] slopes = [1.0, 2.0, 3.0];
        double[] losses = [1.0, 0.5, 0.7];
        for (var e = 0; e < 3; e++)
        {
            SetSlope(model, slopes[e]);
            es.OnEpochEnd(e, Logs("val_loss", losses[e]));
        }
        Assert.False(model.StopTraining);
        Assert.Equal(3.0, Slope(model));
        es.OnTrainEnd(new Dictionary<string, double>());
        Assert.Equal(2.0, Slope(model));
        Assert.Equal(1, es.BestEpoch);
        Assert.Equal(0.5, es.Best);
    }

    [Fact]
    public void RestoresBestWeightsInARealFit()
    {
        // Train on y = 2x from w = −1 while validating on y = 0.5x (the last rows): val_loss is smallest when w passes
        // 0.5, in the middle of training, and rises afterwards.
        var x = Enumerable.Range(1, 20).Select(i => i / 20.0).ToArray();
        var y = x.Select((v, i) => i < 16 ? 2 * v : 0.5 * v).ToArray();
        using var model = Linear(-1, learningRate: 0.05);
        var slopes = new List<double>();
        var recorder = new LambdaCallback(onEpochEnd: (_, _) => slopes.Add(Slope(model)));
        var es = new EarlyStopping(patience: 100, restoreBestWeights: true);

        var h = model.Fit(x, y, epochs: 40, batchSize: 4, shuffle: false, validationSplit: 0.2, callbacks: [recorder, es], verbose: 0);

        Assert.Equal(40, h.Count); // no early stop
        var best = h["val_loss"].Select((v, i) => (v, i)).Min().i;
        Assert.InRange(best, 1, 38);
        Assert.Equal(best, es.BestEpoch);
        Assert.Equal(slopes[best], Slope(model));
        Assert.NotEqual(slopes[^1], Slope(model));
    }

    [Fact]
    public void StopsARealFit()
    {
        var x = new[] { 1.0, 2.0, 3.0, 4.0 };
        var y = new[] { 2.0, 4.0, 6.0, 8.0 };
        using var model = Linear(0, learningRate: 0.01);
        // min_delta so large that nothing after the first epoch counts as improving.
        var es = new EarlyStopping("loss", minDelta: 1e9, patience: 2);
        var h = model.Fit(x, y, epochs: 10, callbacks: [es], verbose: 0);
        Assert.Equal(3, h.Count);
        Assert.Equal(2, es.StoppedEpoch);
    }

    // Replays keras callbacks/early_stopping_test.py, test_early_stopping_final_weights_when_restoring_model_weights:
    // the model's "weights" are the epoch index, so the restored slope names the restored epoch.
    private static (int EpochsTrained, double Restored) ReplayRestore(EarlyStopping es, double[] losses)
    {
        using var model = Linear(-1);
        es.Model = model;
        es.OnTrainBegin();
        var trained = 0;
        for (var e = 0; e < losses.Length; e++)
        {
            trained++;
            SetSlope(model, e);
            es.OnEpochEnd(e, Logs("val_loss", losses[e]));
            if (model.StopTraining) break;
        }
        es.OnTrainEnd(new Dictionary<string, double>());
        return (trained, Slope(model));
    }

    [Fact]
    public void RestoresTheBestEpochAsKerasDoes()
    {
        var es = new EarlyStopping(patience: 2, restoreBestWeights: true);
        var (trained, restored) = ReplayRestore(es, [0.2, 0.15, 0.1, 0.11, 0.12]);
        Assert.Equal((5, 2.0, 2, 4), (trained, restored, es.BestEpoch, es.StoppedEpoch));
        Assert.Equal(0.1, es.Best);
    }

    [Fact]
    public void WhenNoEpochBeatsTheBaselineTheBestEpochIsStillRestored()
    {
        // Keras: no epoch improves on the baseline, so training runs patience = 5 epochs and restores epoch 2 (0.7).
        var es = new EarlyStopping(patience: 5, baseline: 0.5, restoreBestWeights: true);
        var (trained, restored) = ReplayRestore(es, [0.9, 0.8, 0.7, 0.71, 0.72, 0.73]);
        Assert.Equal((5, 2.0, 2, 4), (trained, restored, es.BestEpoch, es.StoppedEpoch));
        Assert.Equal(0.7, es.Best);
    }

    [Fact]
    public void BeatingTheBaselineRestartsThePatienceCount()
    {
        // 0.6 and 0.55 improve on the best but not on baseline 0.5 (wait 1, 2; an improving epoch never stops); 0.4
        // beats both (wait 0); then 0.45, 0.46 wait 1, 2 = patience: stop at epoch 4.
        Assert.Equal(4, Run(new EarlyStopping(patience: 2, baseline: 0.5), 0.6, 0.55, 0.4, 0.45, 0.46, 0.3));
        // Without 0.4 the count goes on from 2: the next non-improving epoch (wait 3) stops.
        Assert.Equal(2, Run(new EarlyStopping(patience: 2, baseline: 0.5), 0.6, 0.55, 0.56));
    }
}
