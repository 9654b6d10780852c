using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Metrics;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Metrics;

public class MetricTests
{
    // "accuracy" is told apart by behaviour: binary accuracy thresholds each column at 0.5, categorical accuracy
    // compares argmaxes of one-hot rows, sparse accuracy compares the argmax with an integer label.
    [Fact]
    public void AccuracyResolvesFromTheLossLikeKeras()
    {
        using var scope = new DisposeScope();
        double[] Values(Metric m, Tensor y, Tensor p) => ((MeanMetricWrapper)m).PerSample(y, p).ToArray<double>();

        var yOne = Tensor.FromArray(new double[,] { { 1 }, { 0 } });
        var pOne = Tensor.FromArray(new double[,] { { 0.7 }, { 0.6 } });
        // Binary: [1, 0]; an argmax over one column would always agree: [1, 1].
        Assert.Equal([1.0, 0.0], Values(Metric.Get("accuracy", new Degenerate.Losses.BinaryCrossentropy()), yOne, pOne));
        Assert.Equal([1.0, 0.0], Values(Metric.Get("acc", new Degenerate.Losses.MeanSquaredError(), 1), yOne, pOne));

        var yHot = Tensor.FromArray(new double[,] { { 0, 1, 0 } });
        var pHot = Tensor.FromArray(new double[,] { { 0.2, 0.5, 0.3 } });
        // Categorical: argmax 1 == 1 → 1; thresholding would give 2 of 3 columns right.
        Assert.Equal([1.0], Values(Metric.Get("accuracy", new Degenerate.Losses.CategoricalCrossentropy(), 3), yHot, pHot));
        Assert.Equal([1.0], Values(Metric.Get("accuracy", new Degenerate.Losses.MeanSquaredError(), 3), yHot, pHot));
        Assert.Equal([2.0 / 3], Values(new BinaryAccuracy(), yHot, pHot));
        var labels = Tensor.FromArray(new long[] { 1 });
        Assert.Equal([1.0], Values(Metric.Get("accuracy", new SparseCategoricalCrossentropy(), 3), labels, pHot));
        Assert.IsType<SparseCategoricalAccuracy>(Metric.Get("sparse_categorical_accuracy"));

        // Logged under the name the user gave, as Keras does.
        Assert.Equal("accuracy", Metric.Get("accuracy", new Degenerate.Losses.BinaryCrossentropy()).Name);
        Assert.Equal("acc", Metric.Get("acc", new Degenerate.Losses.BinaryCrossentropy()).Name);
        Assert.Equal("mse", Metric.Get("mse").Name);
        Assert.Equal("mean_absolute_error", Metric.Get("mean_absolute_error").Name);
        var e = Assert.Throws<ArgumentException>(() => Metric.Get("f1"));
        Assert.Equal("name", e.ParamName);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void ValuesOnSmallCases(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var scope = new DisposeScope();
        double Mean(MeanMetricWrapper m, Tensor y, Tensor p) => m.PerSample(y, p).Mean().Item();

        // Binary: ŷ > 0.5 counts as 1 (0.5 itself is 0, as in Keras).
        var yb = Tensor.FromArray(new double[,] { { 0 }, { 1 }, { 1 }, { 0 } }, device);
        var pb = Tensor.FromArray(new double[,] { { 0.3 }, { 0.7 }, { 0.5 }, { 0.9 } }, device);
        Assert.Equal(0.5, Mean(new BinaryAccuracy(), yb, pb), 1e-12);
        Assert.Equal(0.75, Mean(new BinaryAccuracy(threshold: 0.4), yb, pb), 1e-12);

        var yc = Tensor.FromArray(new double[,] { { 0, 1, 0 }, { 1, 0, 0 }, { 0, 0, 1 } }, device);
        var pc = Tensor.FromArray(new double[,] { { 0.1, 0.8, 0.1 }, { 0.3, 0.6, 0.1 }, { 0.2, 0.2, 0.6 } }, device);
        Assert.Equal(2.0 / 3, Mean(new CategoricalAccuracy(), yc, pc), 1e-12);
        var ys = Tensor.FromArray(new long[] { 1, 0, 2 }, device);
        Assert.Equal(2.0 / 3, Mean(new SparseCategoricalAccuracy(), ys, pc), 1e-12);

        var y = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }, device);
        var p = Tensor.FromArray(new double[,] { { 1.5, 2 }, { 1, 5 } }, device);
        Assert.Equal((0.25 / 2 + (4 + 1) / 2.0) / 2, Mean(new Degenerate.Metrics.MeanSquaredError(), y, p), 1e-12);
        Assert.Equal((0.5 / 2 + 3 / 2.0) / 2, Mean(new Degenerate.Metrics.MeanAbsoluteError(), y, p), 1e-12);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void EvaluateReportsMetricsOverAllRowsIgnoringSampleWeights(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        // Logistic model z = 2·x − 1: predictions σ(z) for x = 0, 0.25, 0.75, 1, 2.
        double[] x = [0, 0.25, 0.75, 1, 2];
        double[] y = [0, 1, 1, 0, 1];
        using var model = new Sequential(new Dense(1, "sigmoid", inputDim: 1)) { DType = DType.Float64, Device = device };
        model.SetWeights(new Array[] { new double[,] { { 2 } }, new[] { -1.0 } });
        model.Compile("sgd", "binary_crossentropy", ["accuracy", "mse", "mae"]);

        var p = x.Select(v => 1 / (1 + Math.Exp(-(2 * v - 1)))).ToArray();
        var bce = x.Select((_, i) => -(y[i] * Math.Log(p[i]) + (1 - y[i]) * Math.Log(1 - p[i]))).ToArray();
        var accuracy = p.Select((q, i) => (q > 0.5 ? 1.0 : 0.0) == y[i] ? 1.0 : 0.0).Average(); // hits: 1,0,1,0,1
        var mse = p.Select((q, i) => (q - y[i]) * (q - y[i])).Average();
        var mae = p.Select((q, i) => Math.Abs(q - y[i])).Average();

        var r = model.Evaluate(x, y, batchSize: 2); // batches of 2, 2, 1: still the mean over all five rows
        Assert.Equal(bce.Average(), r["loss"], 1e-12);
        Assert.Equal(0.6, accuracy);
        Assert.Equal(accuracy, r["accuracy"], 1e-12);
        Assert.Equal(mse, r["mse"], 1e-12);
        Assert.Equal(mae, r["mae"], 1e-12);

        double[] w = [1, 0, 0, 3, 1];
        var weighted = model.Evaluate(x, y, sampleWeight: w);
        Assert.Equal(bce.Select((l, i) => l * w[i]).Sum() / 5, weighted["loss"], 1e-12); // the loss uses the weights
        Assert.Equal(accuracy, weighted["accuracy"], 1e-12);                              // plain metrics do not
    }
}
