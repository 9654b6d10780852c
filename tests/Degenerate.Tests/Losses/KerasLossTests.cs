using Degenerate.Activations;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Losses;

// The losses Keras 3 adds beyond the classic set, each replaying the numbers of keras/src/losses/losses_test.py or of
// the class docstring in keras/src/losses/losses.py (quoted to Keras's printed precision), and checked to 1e-12
// against the formula written out element by element here.
public class KerasLossTests
{
    private static double Call(Loss loss, double[,] yTrue, double[,] yPred, double[]? w = null, Device? device = null)
    {
        using var scope = new DisposeScope();
        var t = Tensor.FromArray(yTrue, device);
        var p = Tensor.FromArray(yPred, device);
        return loss.Call(t, p, w is null ? null : Tensor.FromArray(w, device)).Item();
    }

    private static double[] PerSample(Loss loss, double[,] yTrue, double[,] yPred, Device? device = null)
    {
        using var scope = new DisposeScope();
        return loss.PerSample(Tensor.FromArray(yTrue, device), Tensor.FromArray(yPred, device)).ToArray<double>();
    }

    // Row means of f over two matrices, then Keras's sum_over_batch_size.
    private static double[] Rows(double[,] a, double[,] b, Func<double, double, double> f, bool sum = false) =>
        Enumerable.Range(0, a.GetLength(0)).Select(i =>
        {
            var values = Enumerable.Range(0, a.GetLength(1)).Select(j => f(a[i, j], b[i, j]));
            return sum ? values.Sum() : values.Average();
        }).ToArray();

    // losses_test.py's common regression inputs.
    private static readonly double[,] RegTrue = { { 1, 9, 2 }, { -5, -2, 6 } };
    private static readonly double[,] RegPred = { { 4, 8, 12 }, { 8, 1, 3 } };

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void MeanAbsolutePercentageErrorMatchesKerasTests(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        Loss loss = "mape";
        Assert.IsType<MeanAbsolutePercentageError>(loss);
        Assert.Equal(211.8518, Call(loss, RegTrue, RegPred, device: device), 1e-3);             // test_unweighted
        Assert.Equal(422.8888, Call(loss, RegTrue, RegPred, [1.2, 3.4], device), 1e-3);         // test_sample_weighted
        Assert.Equal(487.259, Call(loss, RegTrue, RegPred, [2.3, 2.3], device), 1e-3);          // test_scalar_weighted
        var rows = Rows(RegTrue, RegPred, (t, p) => 100 * Math.Abs((t - p) / Math.Max(Math.Abs(t), 1e-7)));
        Assert.Equal(rows, PerSample(loss, RegTrue, RegPred, device), new Tolerance(1e-9));
        Assert.Equal(0, Call(loss, RegPred, RegPred, device: device), 1e-12);                   // test_all_correct_unweighted
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void MeanSquaredLogarithmicErrorMatchesKerasTests(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        Loss loss = "msle";
        Assert.Equal("mean_squared_logarithmic_error", loss.Name);
        Assert.Equal(1.4370, Call(loss, RegTrue, RegPred, device: device), 1e-3);
        Assert.Equal(3.3051, Call(loss, RegTrue, RegPred, [2.3, 2.3], device), 1e-3);
        Assert.Equal(3.7856, Call(loss, RegTrue, RegPred, [1.2, 3.4], device), 1e-3);
        // Negative values count as 1e-7, as Keras's maximum(·, epsilon).
        var rows = Rows(RegTrue, RegPred, (t, p) => Math.Pow(Math.Log(Math.Max(p, 1e-7) + 1) - Math.Log(Math.Max(t, 1e-7) + 1), 2));
        Assert.Equal(rows, PerSample(loss, RegTrue, RegPred, device), new Tolerance(1e-12));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void LogCoshMatchesKerasTestsAndDoesNotOverflow(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        Loss loss = "logcosh";
        Assert.Equal("log_cosh", loss.Name);
        // LogCoshTest: expected = log((e^x + e^-x)/2) element-wise, summed over the 6 elements / 6.
        var expected = Rows(RegTrue, RegPred, (t, p) => Math.Log((Math.Exp(p - t) + Math.Exp(t - p)) / 2));
        Assert.Equal(expected.Average(), Call(loss, RegTrue, RegPred, device: device), 1e-12);
        Assert.Equal(2.3 * expected.Average(), Call(loss, RegTrue, RegPred, [2.3, 2.3], device), 1e-12);
        // log_cosh's docstring: [[0,1],[0,0]] vs [[1,1],[0,0]] → 0.108 (per-sample [0.217, 0], reduced).
        Assert.Equal(0.108, Call(loss, new double[,] { { 0, 1 }, { 0, 0 } }, new double[,] { { 1, 1 }, { 0, 0 } }, device: device), 1e-3);
        // Errors of 1000: cosh overflows a double, the stable form gives |x| − log 2.
        Assert.Equal(1000 - Math.Log(2), Call(loss, new double[,] { { 0 } }, new double[,] { { -1000 } }, device: device), 1e-9);
    }

    private static readonly double[,] HingeTrue = { { 0, 1 }, { 0, 0 } };
    private static readonly double[,] HingePred = { { 0.6, 0.4 }, { 0.4, 0.6 } };

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void HingeLossesMatchKerasTests(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        // HingeTest / SquaredHingeTest / CategoricalHingeTest: test_unweighted and test_weighted (sample_weight [1, 0]).
        Assert.Equal([1.1, 1.5], PerSample(new Hinge(), HingeTrue, HingePred, device), new Tolerance(1e-12));
        Assert.Equal(1.3, Call("hinge", HingeTrue, HingePred, device: device), 1e-12);
        Assert.Equal(0.55, Call("hinge", HingeTrue, HingePred, [1, 0], device), 1e-12);
        Assert.Equal([1.46, 2.26], PerSample(new SquaredHinge(), HingeTrue, HingePred, device), new Tolerance(1e-12));
        Assert.Equal(1.86, Call("squared_hinge", HingeTrue, HingePred, device: device), 1e-12);
        Assert.Equal(0.73, Call("squared_hinge", HingeTrue, HingePred, [1, 0], device), 1e-12);
        Assert.Equal([1.2, 1.6], PerSample(new CategoricalHinge(), HingeTrue, HingePred, device), new Tolerance(1e-12));
        Assert.Equal(1.4, Call("categorical_hinge", HingeTrue, HingePred, device: device), 1e-12);
        Assert.Equal(0.6, Call("categorical_hinge", HingeTrue, HingePred, [1, 0], device), 1e-12);
        // −1/+1 labels are used as given; a batch mixing 0 and −1 is not converted (Keras converts only all-0/1 batches).
        double[,] signed = { { -1, 1 }, { -1, -1 } };
        Assert.Equal([1.1, 1.5], PerSample(new Hinge(), signed, HingePred, device), new Tolerance(1e-12));
        double[,] mixed = { { 0, 1 }, { -1, 0 } };
        Assert.Equal([(1 + 0.6) / 2, (1.4 + 1) / 2], PerSample(new Hinge(), mixed, HingePred, device), new Tolerance(1e-12));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void KLDivergenceMatchesKerasTests(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        // KLDivergenceTest.setup
        double[,] p = { { 0.4, 0.9, 0.12 }, { 0.36, 0.3, 0.4 } };
        double[,] t = { { 0.5, 0.8, 0.12 }, { 0.7, 0.43, 0.8 } };
        var rows = Rows(t, p, (a, b) => a * Math.Log(a / b), sum: true);
        Loss loss = "kld";
        Assert.Equal("kl_divergence", loss.Name);
        Assert.Equal(rows.Sum() / 2, Call(loss, t, p, device: device), 1e-12);                           // test_unweighted
        Assert.Equal((1.2 * rows[0] + 3.4 * rows[1]) / 2, Call(loss, t, p, [1.2, 3.4], device), 1e-12); // test_sample_weighted
        // Zero targets and predictions are clipped to 1e-7, so a zero target contributes ~0, not NaN.
        var zero = PerSample(loss, new double[,] { { 0, 1 } }, new double[,] { { 0.5, 0.5 } }, device);
        Assert.Equal(1e-7 * Math.Log(1e-7 / 0.5) + Math.Log(2), zero[0], 1e-12);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void BinaryFocalCrossentropyMatchesKerasDocstring(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        // Class docstring, example 1: one sample of four logits.
        double[,] t1 = { { 0, 1, 0, 0 } };
        double[,] z1 = { { -18.6, 0.51, 2.94, -12.8 } };
        Assert.Equal(0.691, Call(new BinaryFocalCrossentropy(gamma: 2, fromLogits: true), t1, z1, device: device), 1e-3);
        Assert.Equal(0.51, Call(new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 2, fromLogits: true), t1, z1, device: device), 1e-3);
        // Example 2: two samples.
        double[,] t2 = { { 0, 1 }, { 0, 0 } };
        double[,] z2 = { { -18.6, 0.51 }, { 2.94, -12.8 } };
        Assert.Equal(0.647, Call(new BinaryFocalCrossentropy(gamma: 3, fromLogits: true), t2, z2, device: device), 1e-3);
        Assert.Equal(0.482, Call(new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 3, fromLogits: true), t2, z2, device: device), 1e-3);
        Assert.Equal(0.133, Call(new BinaryFocalCrossentropy(gamma: 3, fromLogits: true), t2, z2, [0.8, 0.2], device), 1e-3);
        Assert.Equal(0.097, Call(new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 3, fromLogits: true), t2, z2, [0.8, 0.2], device), 1e-3);
        Assert.Equal([0.0017, 1.1561], PerSample(new BinaryFocalCrossentropy(gamma: 5, fromLogits: true), t2, z2, device), new Tolerance(1e-4));
        Assert.Equal([0.0004, 0.8670], PerSample(new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 5, fromLogits: true), t2, z2, device), new Tolerance(1e-4));
        // Function docstring: probabilities, gamma 2 → [0.330, 0.206].
        double[,] p3 = { { 0.6, 0.4 }, { 0.4, 0.6 } };
        Assert.Equal([0.330, 0.206], PerSample("binary_focal_crossentropy", t2, p3, device), new Tolerance(1e-3));

        // Exactly: mean over outputs of α_t·(1 − p_t)^γ·bce with smoothing 0.1, α 0.4, γ 1.5.
        var loss = new BinaryFocalCrossentropy(applyClassBalancing: true, alpha: 0.4, gamma: 1.5, labelSmoothing: 0.1);
        var expected = Rows(t2, p3, (y0, p) =>
        {
            var y = y0 * 0.9 + 0.05;
            var bce = -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));
            var pt = y * p + (1 - y) * (1 - p);
            return (y * 0.4 + (1 - y) * 0.6) * Math.Pow(1 - pt, 1.5) * bce;
        });
        Assert.Equal(expected, PerSample(loss, t2, p3, device), new Tolerance(1e-12));
        // γ = 0 without balancing is binary cross-entropy.
        Assert.Equal(PerSample(new BinaryCrossentropy(), t2, p3, device), PerSample(new BinaryFocalCrossentropy(gamma: 0), t2, p3, device), new Tolerance(1e-12));
    }

    [Fact]
    public void BadHyperparametersAreRefusedAtConstruction()
    {
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryFocalCrossentropy(alpha: 1.5)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryFocalCrossentropy(gamma: -1)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryFocalCrossentropy(gamma: double.NaN)).ParamName);
        Assert.Equal("labelSmoothing", Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryFocalCrossentropy(labelSmoothing: 2)).ParamName);
        var e = Assert.Throws<ArgumentException>(() => Loss.Get("focal"));
        Assert.Contains("binary_focal_crossentropy", e.Message);
    }

    // Every new loss trains a model through autograd (the loss falls) and survives Save/Load with its settings.
    [Theory]
    [InlineData("kl_divergence", "softmax")]
    [InlineData("mape", null)]
    [InlineData("msle", "softplus")]
    [InlineData("log_cosh", null)]
    [InlineData("hinge", "tanh")]
    [InlineData("squared_hinge", "tanh")]
    [InlineData("categorical_hinge", null)]
    [InlineData("binary_focal_crossentropy", "sigmoid")]
    public void TrainsAndIsSavedWithTheModel(string lossName, string? activation)
    {
        var rng = new System.Random(7);
        var x = new double[64, 2];
        var y = new double[64, 2];
        for (var i = 0; i < 64; i++)
        {
            x[i, 0] = rng.NextDouble() * 2 - 1;
            x[i, 1] = rng.NextDouble() * 2 - 1;
            var positive = x[i, 0] + x[i, 1] > 0;
            y[i, 0] = positive ? 1 : 0;
            y[i, 1] = positive ? 0 : 1;
            if (lossName is "mape" or "msle" or "log_cosh") { y[i, 0] = 1 + x[i, 0]; y[i, 1] = 2 - x[i, 1]; }
        }
        var path = Path.Combine(Path.GetTempPath(), $"kloss-{Guid.NewGuid():N}.dgm");
        try
        {
            using var model = new Sequential(new Dense(2, activation is null ? null : ActivationFunction.Get(activation), inputDim: 2)) { DType = DType.Float64 };
            Loss loss = lossName == "binary_focal_crossentropy"
                ? new BinaryFocalCrossentropy(applyClassBalancing: true, alpha: 0.3, gamma: 1.5, labelSmoothing: 0.05)
                : lossName;
            model.Compile(new Degenerate.Optimizers.Adam(0.05), loss);
            var history = model.Fit(x, y, epochs: 30, batchSize: 16, verbose: 0);
            Assert.True(history["loss"][^1] < 0.8 * history["loss"][0], $"{lossName}: {history["loss"][0]} -> {history["loss"][^1]}");
            model.Save(path);
            using var loaded = Sequential.Load(path);
            Assert.Equal(model.Loss!.GetType(), loaded.Loss!.GetType());
            if (loaded.Loss is BinaryFocalCrossentropy f)
            {
                Assert.True(f.ApplyClassBalancing);
                Assert.Equal((0.3, 1.5, 0.05, false), (f.Alpha, f.Gamma, f.LabelSmoothing, f.FromLogits));
            }
            Assert.Equal(model.Evaluate(x, y)["loss"], loaded.Evaluate(x, y)["loss"], 1e-12);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
