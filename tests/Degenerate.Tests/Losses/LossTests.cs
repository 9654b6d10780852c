using Degenerate.Activations;
using Degenerate.Losses;
using Degenerate.Tensors;

namespace Degenerate.Tests.Losses;

// Each loss against a hand computation in doubles: per-sample values reduced over the last axis, then Keras's
// sum_over_batch_size reduction Σ wᵢ·lᵢ / n (n = batch size, not Σ wᵢ).
public class LossTests
{
    private const double Eps = 1e-7;
    private static readonly double[] Weights = [2.0, 0.5, 0.0]; // Σw = 2.5 ≠ n = 3, so the two reductions differ

    private static double Keras(double[] perSample, double[]? w) =>
        perSample.Select((l, i) => l * (w?[i] ?? 1)).Sum() / perSample.Length;

    private static double Compute(Loss loss, Tensor yTrue, Tensor yPred, double[]? w, Device device)
    {
        using var scope = new DisposeScope();
        var weights = w is null ? null : Tensor.FromArray(w, device);
        return loss.Call(yTrue, yPred, weights).Item();
    }

    private static double[] Rows(double[,] a, double[,] b, Func<double, double, double> f) =>
        Enumerable.Range(0, a.GetLength(0))
            .Select(i => Enumerable.Range(0, a.GetLength(1)).Average(j => f(a[i, j], b[i, j]))).ToArray();

    // Checks unweighted and weighted values, and that the weighted one is not Σwl/Σw.
    private static void AssertLoss(Loss loss, double[,] yTrue, double[,] yPred, double[] perSample, Device device)
    {
        using var t = Tensor.FromArray(yTrue, device);
        using var p = Tensor.FromArray(yPred, device);
        Assert.Equal(Keras(perSample, null), Compute(loss, t, p, null, device), 1e-12);
        var weighted = Compute(loss, t, p, Weights, device);
        Assert.Equal(Keras(perSample, Weights), weighted, 1e-12);
        var meanWithSampleWeight = perSample.Select((l, i) => l * Weights[i]).Sum() / Weights.Sum();
        Assert.NotEqual(meanWithSampleWeight, weighted, 1e-6);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void MeanSquaredError(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] y = { { 1, 2 }, { 3, 4 }, { 0, -1 } };
        double[,] p = { { 1.5, 1.5 }, { 2, 5 }, { 0.5, 0.5 } };
        // Row means of squared differences: 0.25, 1, 1.25.
        Assert.Equal([0.25, 1, 1.25], Rows(y, p, (a, b) => (a - b) * (a - b)));
        AssertLoss(new MeanSquaredError(), y, p, [0.25, 1, 1.25], device);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void MeanAbsoluteError(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] y = { { 1, 2 }, { 3, 4 }, { 0, -1 } };
        double[,] p = { { 1.5, 1.5 }, { 2, 5 }, { 0.5, 0.5 } };
        AssertLoss(new MeanAbsoluteError(), y, p, [0.5, 1, 1], device);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void BinaryCrossentropyWithKerasClipping(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] y = { { 1, 0 }, { 0.3, 1 }, { 0, 1 } };
        double[,] p = { { 0.9, 0.2 }, { 0.5, 0.6 }, { 1.0, 0.0 } }; // the last row is clipped to [1e-7, 1 − 1e-7]
        var perSample = Rows(y, p, (t, q) =>
        {
            var c = Math.Clamp(q, Eps, 1 - Eps);
            return -(t * Math.Log(c) + (1 - t) * Math.Log(1 - c));
        });
        Assert.Equal(-Math.Log(1e-7), perSample[2], 1e-9); // both entries of row 3 are certain and wrong: ≈ 16.1
        AssertLoss(new BinaryCrossentropy(), y, p, perSample, device);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void CategoricalCrossentropyRenormalizesAndClips(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] y = { { 0, 1, 0 }, { 1, 0, 0 }, { 0.2, 0.3, 0.5 } };
        double[,] p = { { 0.2, 0.6, 0.4 }, { 0.7, 0.2, 0.1 }, { 0.1, 0.1, 0.0 } }; // row 1 sums to 1.2; row 3 has a 0
        var perSample = new double[3];
        for (var i = 0; i < 3; i++)
        {
            var total = p[i, 0] + p[i, 1] + p[i, 2];
            for (var j = 0; j < 3; j++) perSample[i] -= y[i, j] * Math.Log(Math.Clamp(p[i, j] / total, Eps, 1 - Eps));
        }
        Assert.Equal(-Math.Log(0.5), perSample[0], 1e-12);
        AssertLoss(new CategoricalCrossentropy(), y, p, perSample, device);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void SparseCategoricalCrossentropy(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        long[] labels = [1, 0, 2];
        double[,] p = { { 0.2, 0.6, 0.2 }, { 0.5, 0.25, 0.25 }, { 0.1, 0.1, 0.8 } };
        double[] perSample = [-Math.Log(0.6), -Math.Log(0.5), -Math.Log(0.8)];
        using var t = Tensor.FromArray(labels, device);
        using var pt = Tensor.FromArray(p, device);
        var loss = new SparseCategoricalCrossentropy();
        Assert.Equal(Keras(perSample, null), Compute(loss, t, pt, null, device), 1e-12);
        Assert.Equal(Keras(perSample, Weights), Compute(loss, t, pt, Weights, device), 1e-12);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void Poisson(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] y = { { 0 }, { 3 }, { 1 } };
        double[,] p = { { 0.5 }, { 2.0 }, { 1e-9 } };
        AssertLoss(new Poisson(), y, p, Rows(y, p, (t, mu) => mu - t * Math.Log(mu + Eps)), device);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void HuberIsQuadraticInsideDeltaAndLinearOutside(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] y = { { 0, 0 }, { 1, 1 }, { -2, 5 } };
        double[,] p = { { 0.5, -0.8 }, { 3, -2 }, { -2, 0 } };
        foreach (var delta in new[] { 1.0, 2.5 })
        {
            var perSample = Rows(y, p, (t, q) =>
            {
                var e = Math.Abs(q - t);
                return e <= delta ? 0.5 * e * e : delta * e - 0.5 * delta * delta;
            });
            AssertLoss(new Huber(delta), y, p, perSample, device);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void GammaNegativeLogLikelihoodKernel(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] y = { { 1.5 }, { 0.2 }, { 4 } };
        double[,] mu = { { 1 }, { 0.5 }, { 3 } };
        AssertLoss(new Gamma(), y, mu, Rows(y, mu, (t, m) => t / m + Math.Log(m)), device);
    }

    // ------------------------------------------------------------------ logits forms

    private static double PerSampleMean(Tensor perSample)
    {
        using var mean = perSample.Mean();
        return mean.Item();
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void BinaryLogitsFormEqualsProbabilityFormAndStaysExactForExtremeLogits(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var scope = new DisposeScope();
        var y = Tensor.FromArray(new double[,] { { 1, 0 }, { 0.25, 1 }, { 0, 0 } }, device);
        var z = Tensor.FromArray(new double[,] { { 2, -1 }, { 0.3, -4 }, { 5, 0 } }, device);
        var probabilities = new BinaryCrossentropy().Call(y, z.Sigmoid()).Item();
        Assert.Equal(probabilities, new BinaryCrossentropy(fromLogits: true).Call(y, z).Item(), 1e-12);
        Assert.Equal(probabilities, PerSampleMean(new BinaryCrossentropy().PerSampleFromLogits(y, z, new Sigmoid())!), 1e-12);

        // z = ±300: the probability form saturates at −log(1e-7) ≈ 16.1; the logits form gives the exact 300.
        var yHard = Tensor.FromArray(new double[,] { { 0 }, { 1 } }, device);
        var zHard = Tensor.FromArray(new double[,] { { 300 }, { -300 } }, device);
        var exact = new BinaryCrossentropy(fromLogits: true).Call(yHard, zHard).Item();
        Assert.Equal(300, exact, 1e-9);
        Assert.Equal(-Math.Log(1e-7), new BinaryCrossentropy().Call(yHard, zHard.Sigmoid()).Item(), 1e-6);
        // Float32 logits too: finite, no overflow of e^300.
        var z32 = Tensor.FromArray(new float[,] { { 300 }, { -300 } }, device);
        var y32 = Tensor.FromArray(new float[,] { { 0 }, { 1 } }, device);
        Assert.Equal(300, new BinaryCrossentropy(fromLogits: true).Call(y32, z32).Item(), 1e-3);
        // A non-sigmoid activation has no logits form.
        Assert.Null(new BinaryCrossentropy().PerSampleFromLogits(y, z, new Relu()));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void CategoricalLogitsFormsEqualProbabilityFormsAndStayFinite(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var scope = new DisposeScope();
        var oneHot = Tensor.FromArray(new double[,] { { 0, 1, 0 }, { 1, 0, 0 } }, device);
        var labels = Tensor.FromArray(new long[] { 1, 0 }, device);
        var z = Tensor.FromArray(new double[,] { { 0.5, 1.5, -1 }, { 2, 0, 1 } }, device);
        var p = z.Softmax(-1);

        var cce = new CategoricalCrossentropy().Call(oneHot, p).Item();
        Assert.Equal(cce, new CategoricalCrossentropy(fromLogits: true).Call(oneHot, z).Item(), 1e-12);
        Assert.Equal(cce, PerSampleMean(new CategoricalCrossentropy().PerSampleFromLogits(oneHot, z, new Softmax())!), 1e-12);
        Assert.Equal(cce, new SparseCategoricalCrossentropy().Call(labels, p).Item(), 1e-12);
        Assert.Equal(cce, new SparseCategoricalCrossentropy(fromLogits: true).Call(labels, z).Item(), 1e-12);
        // By hand: −log softmax(z)[label], averaged.
        var row0 = -(1.5 - Math.Log(Math.Exp(0.5) + Math.Exp(1.5) + Math.Exp(-1)));
        var row1 = -(2 - Math.Log(Math.Exp(2) + 1 + Math.Exp(1)));
        Assert.Equal((row0 + row1) / 2, cce, 1e-12);

        // Logits 1000 apart: the exact loss is 1000 for the wrong class.
        var zHard = Tensor.FromArray(new double[,] { { 1000, -1000, 0 }, { 1000, -1000, 0 } }, device);
        Assert.Equal((0 + 2000) / 2.0, new SparseCategoricalCrossentropy(fromLogits: true).Call(labels, zHard).Item(), 1e-9);
        Assert.Equal(1000, new CategoricalCrossentropy(fromLogits: true).Call(oneHot, zHard).Item(), 1e-9);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void PoissonAndGammaLogLinkFormsMatchTheMeanForms(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var scope = new DisposeScope();
        var y = Tensor.FromArray(new double[,] { { 0 }, { 3 }, { 1.5 } }, device);
        var z = Tensor.FromArray(new double[,] { { -1 }, { 1.2 }, { 0.3 } }, device);
        var mu = z.Exp();
        var poisson = new Poisson();
        // e^z − y·z against μ − y·log(μ + 1e-7): equal up to the 1e-7 inside Keras's log.
        Assert.Equal(poisson.Call(y, mu).Item(), PerSampleMean(poisson.PerSampleFromLogits(y, z, new Exponential())!), 1e-6);
        var gamma = new Gamma();
        Assert.Equal(gamma.Call(y.ClampMin(0.1), mu).Item(),
            PerSampleMean(gamma.PerSampleFromLogits(y.ClampMin(0.1), z, new Exponential())!), 1e-12);
        // Extreme z stays finite in the log-link form.
        var big = Tensor.FromArray(new double[,] { { -700 } }, device);
        var one = Tensor.FromArray(new double[,] { { 1 } }, device);
        Assert.Equal(700, PerSampleMean(poisson.PerSampleFromLogits(one, big, new Exponential())!), 1e-9);
    }

    // ------------------------------------------------------------------ names

    [Theory]
    [InlineData("mse", typeof(MeanSquaredError))]
    [InlineData("mean_squared_error", typeof(MeanSquaredError))]
    [InlineData("mae", typeof(MeanAbsoluteError))]
    [InlineData("mean_absolute_error", typeof(MeanAbsoluteError))]
    [InlineData("binary_crossentropy", typeof(BinaryCrossentropy))]
    [InlineData("categorical_crossentropy", typeof(CategoricalCrossentropy))]
    [InlineData("sparse_categorical_crossentropy", typeof(SparseCategoricalCrossentropy))]
    [InlineData("poisson", typeof(Poisson))]
    [InlineData("huber", typeof(Huber))]
    [InlineData("gamma", typeof(Gamma))]
    [InlineData(" MSE ", typeof(MeanSquaredError))]
    public void KerasNamesResolve(string name, Type expected)
    {
        Loss loss = name; // implicit conversion, as Compile(…, "mse") uses
        Assert.IsType(expected, loss);
        Assert.IsType(expected, Loss.Get(loss.Name)); // the canonical name resolves back
    }

    [Fact]
    public void DefaultsAreKeras()
    {
        Assert.False(new BinaryCrossentropy().FromLogits);
        Assert.False(new CategoricalCrossentropy().FromLogits);
        Assert.False(new SparseCategoricalCrossentropy().FromLogits);
        Assert.Equal(1.0, new Huber().Delta);
        Assert.Equal(1e-7, Loss.Epsilon);
    }

    [Fact]
    public void UnknownNameIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.Get("cross_entropy"));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("cross_entropy", e.Message);
        Assert.Contains("binary_crossentropy", e.Message);
    }
}
