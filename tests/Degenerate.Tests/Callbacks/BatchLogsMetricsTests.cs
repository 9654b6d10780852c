using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Metrics;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Callbacks;

// Keras's on_train_batch_end / on_test_batch_end logs carry every compiled metric's running value (the trainer passes
// the whole logs dict of compile_utils' results after each step), not only the loss.
public class BatchLogsMetricsTests
{
    // A fixed logistic model z = 2·x − 1 that SGD(1e-300) does not move, so the predictions are known in closed form.
    private static readonly double[] X = [0, 0.25, 0.75, 1, 2, -1, 0.5, 1.5];
    private static readonly double[] Y = [0, 1, 1, 0, 1, 0, 0, 1];
    private static readonly double[] W = [1, 2, 0.5, 1, 3, 1, 2, 1];

    private static Sequential Logistic()
    {
        var model = new Sequential(new Dense(1, "sigmoid", inputDim: 1)) { DType = DType.Float64 };
        model.SetWeights(new Array[] { new double[,] { { 2 } }, new[] { -1.0 } });
        model.Compile(new SGD(1e-300), "binary_crossentropy", ["accuracy", "auc"], ["precision"]);
        return model;
    }

    // The metric over the first rows, run standalone.
    private static double Standalone(Metric m, int rows, bool weighted)
    {
        using var scope = new DisposeScope();
        var yt = Tensor.FromArray(Y[..rows], [rows, 1]);
        var yp = Tensor.FromArray(X[..rows].Select(x => 1 / (1 + Math.Exp(-(2 * x - 1)))).ToArray(), [rows, 1]);
        m.UpdateState(yt, yp, weighted ? Tensor.FromArray(W[..rows]) : null);
        return m.Result();
    }

    private static double[,] Matrix(double[] v)
    {
        var m = new double[v.Length, 1];
        for (var i = 0; i < v.Length; i++) m[i, 0] = v[i];
        return m;
    }

    [Fact]
    public void TrainAndTestBatchLogsCarryTheRunningMetrics()
    {
        using var model = Logistic();
        var train = new List<IReadOnlyDictionary<string, double>>();
        var test = new List<IReadOnlyDictionary<string, double>>();
        var callback = new Recorder(train, test);
        // (validation: Fit's evaluation runs the test hooks, as Keras's.)
        model.Fit(Matrix(X), Matrix(Y), epochs: 2, batchSize: 3, shuffle: false, verbose: 0, sampleWeight: W,
            validationData: new Batch(Matrix(X), Matrix(Y)), callbacks: [callback]);
        // Batches of 3, 3, 2 rows in each of 2 epochs; the metrics reset at each epoch as Keras's.
        Assert.Equal(6, train.Count);
        int[] seen = [3, 6, 8, 3, 6, 8];
        for (var b = 0; b < 6; b++)
        {
            Assert.Equal(["accuracy", "auc", "precision"], train[b].Keys.Order());
            Assert.Equal(Standalone(new BinaryAccuracy(), seen[b], false), train[b]["accuracy"], 1e-12);
            Assert.Equal(Standalone(new AUC(), seen[b], false), train[b]["auc"], 1e-12);
            Assert.Equal(Standalone(new Precision(), seen[b], true), train[b]["precision"], 1e-12);  // weighted: sees W
        }
        Assert.NotEqual(train[0]["auc"], train[1]["auc"]);
        // Validation batches (test logs, no "val_" prefix, as Keras): unweighted validation data.
        Assert.Equal(6, test.Count);
        for (var b = 0; b < 6; b++)
        {
            Assert.Equal(Standalone(new AUC(), seen[b], false), test[b]["auc"], 1e-12);
            Assert.Equal(Standalone(new Precision(), seen[b], false), test[b]["precision"], 1e-12);
        }
    }

    [Fact]
    public void MetricsReadAfterTheCallbackAreRefused()
    {
        using var model = Logistic();
        var kept = new List<BatchLogs>();
        model.Fit(Matrix(X), Matrix(Y), epochs: 1, batchSize: 4, shuffle: false, verbose: 0,
            callbacks: [new LambdaCallback(onBatchEnd: (b, logs) => { if (b == 0) _ = logs.Metrics; kept.Add(logs); })]);
        // Read in its callback: the values stay. Not read there: the metrics have moved on, so reading fails.
        Assert.Equal(Standalone(new AUC(), 4, false), kept[0].Metrics["auc"], 1e-12);
        var late = Assert.Throws<InvalidOperationException>(() => kept[1].Metrics);
        Assert.Contains("inside OnTrainBatchEnd", late.Message);
    }

    [Fact]
    public void WithoutMetricsTheLogsHoldNoneAndCostNothing()
    {
        using var model = new Sequential(new Dense(1, "sigmoid", inputDim: 1)) { DType = DType.Float64 };
        model.Compile(new SGD(1e-300), "binary_crossentropy");
        var counts = new List<int>();
        model.Fit(Matrix(X), Matrix(Y), epochs: 1, batchSize: 4, verbose: 0,
            callbacks: [new LambdaCallback(onBatchEnd: (_, logs) => counts.Add(logs.Metrics.Count))]);
        Assert.Equal([0, 0], counts);
    }

    private sealed class Recorder(List<IReadOnlyDictionary<string, double>> train, List<IReadOnlyDictionary<string, double>> test) : Callback
    {
        public override void OnTrainBatchEnd(int batch, BatchLogs logs) => train.Add(logs.Metrics);

        public override void OnTestBatchEnd(int batch, BatchLogs logs) => test.Add(logs.Metrics);
    }
}
