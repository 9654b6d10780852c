using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using static Degenerate.Tests.Callbacks.CallbackTestModels;

namespace Degenerate.Tests.Models;

/// <summary>
/// Fit's validationData with sample weights, validationFreq, stepsPerEpoch and validationSteps, as Keras 3 defines
/// them for arrays (keras/src/trainers/trainer.py fit and _should_eval; keras/src/trainers/epoch_iterator.py).
/// </summary>
[Collection(Serial.Name)] // seeds the global generator
public class FitOptionsTests
{
    private static readonly double[] X = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    [Fact]
    public void ValidationDataTakesSampleWeights()
    {
        // Keras's sum_over_batch_size: Σ w·(ŷ - y)² / n over the validation rows; y = w·x with w fixed by lr ≈ 0.
        double[] xv = [1, 2, 3], yv = [2, 2, 2], wv = [1, 0, 3];
        using var model = Linear(0.5, learningRate: 1e-300);
        var history = model.Fit(X, X, epochs: 1, validationData: (xv, yv, wv), callbacks: [], verbose: 0);
        var expected = (1 * Math.Pow(0.5 - 2, 2) + 0 + 3 * Math.Pow(1.5 - 2, 2)) / 3;
        Assert.Equal(expected, history["val_loss"][0], 12);
        // Unweighted for comparison: the weights did change the figure.
        var plain = model.Fit(X, X, epochs: 1, validationData: (xv, yv), verbose: 0);
        Assert.Equal((2.25 + 1 + 0.25) / 3, plain["val_loss"][0], 12);
    }

    [Fact]
    public void ValidationDataWeightsAreChecked()
    {
        using var model = Linear(0.5);
        var e = Assert.Throws<ArgumentException>(() =>
            model.Fit(X, X, verbose: 0, validationData: (new[] { 1.0, 2.0 }, new[] { 1.0, 2.0 }, new[] { 1.0, -1.0 })));
        Assert.Equal("validationData.SampleWeight", e.ParamName);
    }

    [Fact]
    public void ValidationFreqValidatesEveryNthEpochOneBased()
    {
        // _should_eval: (epoch + 1) % validation_freq == 0, so with 2: after epochs 2 and 4 (1-based), i.e. 1 and 3.
        using var model = Linear(0.5, learningRate: 0.001);
        var validated = new List<int>();
        var history = model.Fit(X, X, epochs: 5, validationSplit: 0.2, validationFreq: 2, verbose: 0,
            callbacks: [new LambdaCallback(onEpochEnd: (e, logs) => { if (logs.ContainsKey("val_loss")) validated.Add(e); })]);
        Assert.Equal([1, 3], validated);
        Assert.Equal(2, history["val_loss"].Count);
        Assert.Equal(5, history["loss"].Count);
        Assert.Throws<ArgumentOutOfRangeException>("validationFreq", () => model.Fit(X, X, validationFreq: 0, verbose: 0));
    }

    private static Sequential Net()
    {
        Degenerate.Random.Seed(11);
        var m = new Sequential(new Dense(3, "tanh", inputDim: 1), new Dense(1)) { Device = Device.CPU, DType = DType.Float64 };
        m.Compile(new SGD(0.05, momentum: 0.5), "mse");
        return m;
    }

    private static double[] Flat(Model m)
    {
        var w = m.GetWeights();
        try { return w.SelectMany(t => t.ToArray<double>()).ToArray(); }
        finally { foreach (var t in w) t.Dispose(); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StepsPerEpochContinuesThroughTheRowsAndEndsAnEpochThatRunsOut(bool eager)
    {
        // 10 rows in batches of 2: 5 batches a pass. stepsPerEpoch 2 over 3 epochs trains batches 0-1, 2-3, then 4
        // alone (the rows run out: that epoch ends early); exactly one unshuffled pass, batch for batch.
        using var stepped = Net();
        stepped.RunEagerly = eager;
        var history = stepped.Fit(X, X, epochs: 3, batchSize: 2, shuffle: false, stepsPerEpoch: 2, verbose: 0);
        using var pass = Net();
        pass.RunEagerly = eager;
        pass.Fit(X, X, epochs: 1, batchSize: 2, shuffle: false, verbose: 0);
        Assert.Equal(5, stepped.Optimizer!.Iterations);
        Assert.Equal(Flat(pass), Flat(stepped));
        Assert.Equal(3, history.Count);

        // A fourth epoch starts a new pass: batches 0-1 again.
        stepped.Fit(X, X, epochs: 1, batchSize: 2, shuffle: false, stepsPerEpoch: 2, verbose: 0);
        pass.Fit(new[] { 1.0, 2, 3, 4 }, new[] { 1.0, 2, 3, 4 }, epochs: 1, batchSize: 2, shuffle: false, verbose: 0);
        Assert.Equal(Flat(pass), Flat(stepped));
    }

    [Fact]
    public void StepsPerEpochEpochLossIsTheMeanOverItsBatches()
    {
        // An epoch's loss is the row-weighted mean of its own batches' losses (each measured before its step).
        using var model = Net();
        model.RunEagerly = true;
        var losses = new List<(int Epoch, double Loss, long Size)>();
        var epoch = 0;
        var history = model.Fit(X, X, epochs: 2, batchSize: 4, shuffle: false, stepsPerEpoch: 2, verbose: 0,
            callbacks: [new LambdaCallback(onEpochBegin: e => epoch = e, onBatchEnd: (_, logs) => losses.Add((epoch, logs.Loss, logs.Size)))]);
        // 3 batches a pass (4, 4, 2): epoch 0 trains two, epoch 1 the last one (ran out).
        Assert.Equal([(0, 4L), (0, 4L), (1, 2L)], losses.Select(l => (l.Epoch, l.Size)));
        // Batch logs carry the epoch's running mean (Keras's on_train_batch_end), so the last batch's is the epoch's.
        Assert.Equal(losses[1].Loss, history["loss"][0], 12);
        Assert.NotEqual(losses[0].Loss, losses[1].Loss, 6);
        Assert.Equal(losses[2].Loss, history["loss"][1], 12);
    }

    [Fact]
    public void ValidationStepsValidatesOnTheFirstBatches()
    {
        using var model = Linear(0.5, learningRate: 1e-300);
        double[] xv = [1, 2, 3, 4, 5];
        var history = model.Fit(X, X, epochs: 1, batchSize: 2, validationData: (xv, xv), validationSteps: 2, verbose: 0);
        // First two batches of 2: rows 1..4; loss 0.25 x² averaged.
        Assert.Equal(0.25 * (1 + 4 + 9 + 16) / 4, history["val_loss"][0], 12);
        Assert.Throws<ArgumentOutOfRangeException>("validationSteps", () => model.Fit(X, X, validationSteps: 0, validationSplit: 0.2, verbose: 0));
        Assert.Throws<ArgumentOutOfRangeException>("stepsPerEpoch", () => model.Fit(X, X, stepsPerEpoch: -1, verbose: 0));
    }

    [Fact]
    public void EvaluateStepsTakesTheFirstBatches()
    {
        using var model = Linear(0.5);
        var r = model.Evaluate(X, X, batchSize: 3, steps: 1);
        Assert.Equal(0.25 * (1 + 4 + 9) / 3, r["loss"], 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ShuffledStepsPerEpochSplitsOnePermutationAcrossEpochs(bool eager)
    {
        // A pass draws one order (at its start) and the epochs of that pass take consecutive batches of it: with the
        // same seed, three epochs of 2, 2 and 1 batches train exactly as one shuffled epoch of 5.
        using var stepped = Net();
        stepped.RunEagerly = eager;
        stepped.Fit(X, X, epochs: 3, batchSize: 2, shuffle: true, stepsPerEpoch: 2, verbose: 0);
        using var pass = Net();
        pass.RunEagerly = eager;
        pass.Fit(X, X, epochs: 1, batchSize: 2, shuffle: true, verbose: 0);
        Assert.Equal(Flat(pass), Flat(stepped));
    }
}
