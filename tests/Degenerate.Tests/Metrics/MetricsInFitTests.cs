using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Metrics;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Metrics;

// Stateful metrics inside Fit and Evaluate: the logged keys and values are Keras's (compile_utils.CompileMetrics and
// trainers/epoch_iterator semantics), checked against the metric run by hand over the same predictions.
public class MetricsInFitTests
{
    // A fixed logistic model z = 2·x − 1 and labels, so predictions are known in closed form.
    private static readonly double[] X = [0, 0.25, 0.75, 1, 2, -1, 0.5, 1.5];
    private static readonly double[] Y = [0, 1, 1, 0, 1, 0, 0, 1];
    private static double P(double x) => 1 / (1 + Math.Exp(-(2 * x - 1)));

    private static Sequential Logistic(Device? device = null)
    {
        var model = new Sequential(new Dense(1, "sigmoid", inputDim: 1)) { DType = DType.Float64 };
        if (device is { } d) model.Device = d;
        model.SetWeights(new Array[] { new double[,] { { 2 } }, new[] { -1.0 } });
        return model;
    }

    private static double[] StandaloneResult(Metric m, double[]? w = null)
    {
        using var scope = new DisposeScope();
        var yt = Tensor.FromArray(Y.Select(v => new[] { v }).ToArray().ToMatrix());
        var yp = Tensor.FromArray(X.Select(v => new[] { P(v) }).ToArray().ToMatrix());
        m.UpdateState(yt, yp, w is null ? null : Tensor.FromArray(w));
        return m.ResultVector();
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void HistoryKeysAndValuesFollowKeras(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var model = Logistic(device);
        // Learning rate 1e-300: the updates vanish in float64, so every epoch's training figures are those of the fixed model.
        model.Compile(new SGD(1e-300), "binary_crossentropy", ["auc", "precision", "recall", "accuracy"]);
        var history = model.Fit(X, Y, epochs: 2, batchSize: 3, validationData: (X, Y), verbose: 0);
        Assert.Equal(["loss", "auc", "precision", "recall", "accuracy", "val_loss", "val_auc", "val_precision", "val_recall", "val_accuracy"], history.Keys);
        var auc = StandaloneResult(new AUC()).Single();
        Assert.Equal(auc, history["auc"][1], 1e-12);          // accumulated over batches of 3, 3, 2
        Assert.Equal(auc, history["val_auc"][0], 1e-12);
        Assert.Equal(StandaloneResult(new Precision()).Single(), history["precision"][0], 1e-12);
        Assert.Equal(StandaloneResult(new Recall()).Single(), history["val_recall"][1], 1e-12);
        var evaluated = model.Evaluate(X, Y, batchSize: 5);
        Assert.Equal(auc, evaluated["auc"], 1e-12);
        Assert.Equal(Y.Select((y, i) => (P(X[i]) > 0.5 ? 1.0 : 0) == y ? 1.0 : 0).Average(), evaluated["accuracy"], 1e-12);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void WeightedMetricsUseSampleAndClassWeightsPlainOnesDoNot(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var model = Logistic(device);
        model.Compile(new SGD(1e-300), "binary_crossentropy", ["accuracy", "auc"], weightedMetrics: ["accuracy", "auc"]);
        double[] w = [1, 0, 0, 3, 1, 2, 0.5, 1];
        var hits = Y.Select((y, i) => (P(X[i]) > 0.5 ? 1.0 : 0) == y ? 1.0 : 0).ToArray();
        var r = model.Evaluate(X, Y, batchSize: 3, sampleWeight: w);
        // Keras's CompileMetrics: the second "accuracy" is logged as weighted_accuracy.
        Assert.Equal(["loss", "accuracy", "auc", "weighted_accuracy", "weighted_auc"], r.Keys);
        Assert.Equal(hits.Average(), r["accuracy"], 1e-12);
        Assert.Equal(hits.Select((h, i) => h * w[i]).Sum() / w.Sum(), r["weighted_accuracy"], 1e-12);
        Assert.Equal(StandaloneResult(new AUC(), w).Single(), r["weighted_auc"], 1e-12);
        Assert.NotEqual(r["auc"], r["weighted_auc"], 1e-6);

        // classWeight reaches the weighted metrics of the training epoch (times the sample weights), not the plain ones.
        var classWeight = new Dictionary<int, double> { [0] = 3, [1] = 0.5 };
        var h = model.Fit(X, Y, epochs: 1, batchSize: 4, sampleWeight: w, classWeight: classWeight, shuffle: false, verbose: 0);
        var cw = Y.Select((y, i) => w[i] * (y == 1 ? 0.5 : 3)).ToArray();
        Assert.Equal(hits.Select((x, i) => x * cw[i]).Sum() / cw.Sum(), h["weighted_accuracy"][0], 1e-12);
        Assert.Equal(hits.Average(), h["accuracy"][0], 1e-12);
        Assert.Equal(StandaloneResult(new AUC(), cw).Single(), h["weighted_auc"][0], 1e-12);
        Assert.Single(model.WeightedMetrics.OfType<AUC>());
    }

    [Fact]
    public void BatchLogsCarryTheEpochsRunningMeanLikeKeras()
    {
        using var model = Logistic();
        model.Compile(new SGD(1e-300), "binary_crossentropy");
        var seen = new List<double>();
        model.Fit(X, Y, epochs: 2, batchSize: 3, shuffle: false, verbose: 0,
            callbacks: [new LambdaCallback(onBatchEnd: (_, logs) => seen.Add(logs.Loss))]);
        var bce = X.Select((x, i) => -(Y[i] * Math.Log(P(x)) + (1 - Y[i]) * Math.Log(1 - P(x)))).ToArray();
        // Batches of 3, 3, 2 rows: after each, the mean over every row so far (Keras's loss tracker), not the batch's own.
        double[] running = [bce[..3].Average(), bce[..6].Average(), bce.Average()];
        Assert.Equal([.. running, .. running], seen, new Tolerance(1e-12));
        Assert.NotEqual(bce[3..6].Average(), seen[1], 1e-6);
    }

    [Fact]
    public void MultiUnitSigmoidWithBinaryCrossentropyGetsKeras3sAccuracy()
    {
        // Keras 3 resolves "accuracy" from shapes: 3 outputs and 3-wide targets give categorical accuracy, even with
        // binary cross-entropy (compile_utils.get_metric). BinaryAccuracy must be asked for by name for multi-label.
        using var model = new Sequential(new Dense(3, "sigmoid", inputDim: 2)) { DType = DType.Float64 };
        model.SetWeights(new Array[] { new double[,] { { 1, -1, 0.5 }, { 0.5, 2, -1 } }, new[] { 0.0, 0.1, -0.2 } });
        model.Compile("sgd", "binary_crossentropy", ["accuracy", "binary_accuracy"]);
        Assert.IsType<CategoricalAccuracy>(model.Metrics[0]);
        double[,] x = { { 1, 0 }, { 0, 1 }, { -1, 1 } };
        double[,] y = { { 1, 0, 1 }, { 0, 1, 0 }, { 0, 1, 1 } };
        var r = model.Evaluate(x, y);
        using var scope = new DisposeScope();
        var p = model.Predict(x).ToArray<double>();
        double categorical = 0, binary = 0;
        for (var i = 0; i < 3; i++)
        {
            var row = p.Skip(3 * i).Take(3).ToArray();
            var argmax = Array.IndexOf(row, row.Max());
            var trueArgmax = Enumerable.Range(0, 3).First(j => y[i, j] == 1); // argmax takes the first maximum
            categorical += argmax == trueArgmax ? 1 : 0;
            binary += Enumerable.Range(0, 3).Count(j => (row[j] > 0.5 ? 1 : 0) == y[i, j]) / 3.0;
        }
        Assert.Equal(categorical / 3, r["accuracy"], 1e-12);
        Assert.Equal(binary / 3, r["binary_accuracy"], 1e-12);
    }

    [Fact]
    public void WeightedMetricNamesAreSavedAndLoaded()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kmetric-{Guid.NewGuid():N}.dgm");
        try
        {
            using var model = Logistic();
            model.Compile("adam", "binary_crossentropy", ["auc"], weightedMetrics: ["precision"]);
            model.Save(path);
            using var loaded = Sequential.Load(path);
            Assert.Equal(["auc", "precision"], loaded.Metrics.Select(m => m.Name));
            Assert.IsType<Precision>(Assert.Single(loaded.WeightedMetrics));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

internal static class JaggedExtensions
{
    public static double[,] ToMatrix(this double[][] rows)
    {
        var m = new double[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++) for (var j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }
}
