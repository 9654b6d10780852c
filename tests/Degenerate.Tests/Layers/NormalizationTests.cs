using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Layers;

public class NormalizationTests
{
    private static double[] Apply(Normalization layer, double[,] x)
    {
        using var input = Tensor.FromArray(x);
        using var output = layer.Forward(input);
        return LayerFixture.Values(output);
    }

    [Fact]
    public void KerasDocstringExamples()
    {
        // keras/src/layers/preprocessing/normalization.py, the class docstring's four examples (float32 there).
        var tol = new Tolerance(1e-6);
        using var pooled = new Normalization(axis: null);
        pooled.Adapt(new double[,] { { 1 }, { 2 }, { 3 }, { 4 }, { 5 } });
        Assert.Equal([-1.4142135, -0.70710677, 0.0], Apply(pooled, new double[,] { { 1 }, { 2 }, { 3 } }), tol);

        var adaptData = new double[,] { { 0, 7, 4 }, { 2, 9, 6 }, { 0, 7, 4 }, { 2, 9, 6 } };
        using var perFeature = new Normalization(axis: -1);
        perFeature.Adapt(adaptData);
        Assert.Equal([-1.0, -1, -1], Apply(perFeature, new double[,] { { 0, 7, 4 } }), tol);

        using var given = new Normalization(mean: 3.0, variance: 2.0);
        Assert.Equal([-1.4142135, -0.70710677, 0.0], Apply(given, new double[,] { { 1 }, { 2 }, { 3 } }), tol);

        using var inverse = new Normalization(axis: -1, invert: true);
        inverse.Adapt(adaptData);
        Assert.Equal([2.0, 10, 8], Apply(inverse, new double[,] { { 1, 2, 3 } }), tol);
    }

    [Fact]
    public void AdaptMatchesNumPyPerFeatureAndPooled()
    {
        // NumPy reference: np.mean / np.var (ddof 0) of data whose means dwarf their spread (1000 ± 0.01).
        var f = LayerFixture.Get("normalization");
        var x = f.Matrix("x");
        using var model = new Sequential(new Normalization()) { DType = DType.Float64, Device = Device.CPU };
        var layer = (Normalization)model.Layers[0];
        layer.Adapt(x);
        model.Build(3);
        Assert.Equal(["mean", "variance", "count"], layer.WeightNames);
        Assert.Equal(f.Vector("mean"), LayerFixture.Values(layer.Mean!), new Tolerance(1e-12));
        for (var j = 0; j < 3; j++) Assert.Equal(f.Vector("variance")[j], LayerFixture.Values(layer.Variance!)[j], f.Vector("variance")[j] * 1e-9);
        Assert.Equal([50.0], LayerFixture.Values(layer.Weights[2]));
        using var predicted = model.Predict(f.Matrix("query"));
        Assert.Equal(LayerFixture.Flat(f.Matrix("y")), LayerFixture.Values(predicted), new Tolerance(1e-8));

        using var pooled = new Normalization(axis: null);
        pooled.Adapt(x);
        Assert.Equal(LayerFixture.Flat(f.Matrix("pooled_y")), Apply(pooled, f.Matrix("query")), new Tolerance(1e-9));
        Assert.Equal(f.GetProperty("pooled_mean").GetDouble(), pooled.Mean!.Item(), 1e-9);
        Assert.Empty(pooled.Mean.Shape); // axis None: scalar statistics, as Keras
    }

    [Fact]
    public void AFloat64ModelKeepsTheFloat64Statistics()
    {
        // Adapted first, the layer joins a float32 model at once; making the model float64 then widens the weights
        // from the float64 statistics, not from their float32 rounding (1000.00x would lose its last digits).
        var f = LayerFixture.Get("normalization");
        var norm = new Normalization();
        norm.Adapt(f.Matrix("x"));
        using var model = new Sequential(norm, new Dense(1)) { Device = Device.CPU };
        Assert.Equal(DType.Float32, norm.Mean!.DType);
        model.DType = DType.Float64;
        Assert.Equal(f.Vector("mean"), LayerFixture.Values(norm.Mean!), new Tolerance(1e-12));
        // Values set since Adapt are kept as they are.
        using var other = new Sequential(new Normalization(mean: [1000.1, 2], variance: [3.3, 4])) { Device = Device.CPU };
        other.Build(2);
        other.DType = DType.Float64;
        Assert.Equal([1000.1, 2], LayerFixture.Values(((Normalization)other.Layers[0]).Mean!));
    }

    [Fact]
    public void NormalizedLinearRegressionReachesLeastSquares()
    {
        // The usual first layer of a regression network: with the exact solver, Normalization + Dense(1) on features
        // of scales 5000, 0.002 and 1 predicts what NumPy's lstsq (with an intercept) predicts: the solver trains the
        // Dense weights only (Normalization's are non-trainable), and Compile("newton") makes the adapted model float64.
        var f = LayerFixture.Get("regression");
        var norm = new Normalization();
        norm.Adapt(f.Matrix("x"));
        using var model = new Sequential(norm, new Dense(1)) { Device = Device.CPU };
        model.Compile("newton", "mse");
        model.Fit(f.Matrix("x"), f.Vector("y"), epochs: 20, verbose: 0);
        using var predicted = model.Predict(f.Matrix("x"));
        Assert.Equal(f.Vector("ols_predictions"), LayerFixture.Values(predicted), new Tolerance(1e-8));
    }

    [Fact]
    public void AdaptOnBatchesEqualsAdaptOnAllRows()
    {
        // Keras's adapt merges batch statistics exactly; uneven batches included.
        var f = LayerFixture.Get("normalization");
        var x = f.Matrix("x");
        IEnumerable<double[,]> Batches()
        {
            for (var start = 0; start < 50; start += 17)
            {
                var n = Math.Min(17, 50 - start);
                var b = new double[n, 3];
                for (var i = 0; i < n; i++)
                    for (var j = 0; j < 3; j++) b[i, j] = x[start + i, j];
                yield return b;
            }
        }
        using var streamed = new Normalization();
        streamed.Adapt(Batches());
        using var input = Tensor.FromArray(x);
        streamed.Forward(input).Dispose();
        Assert.Equal(f.Vector("mean"), LayerFixture.Values(streamed.Mean!), new Tolerance(1e-9));
        Assert.Equal(f.Vector("variance"), LayerFixture.Values(streamed.Variance!), new Tolerance(1e-9));
        Assert.Equal([50.0], LayerFixture.Values(streamed.Weights[2]));
    }

    [Fact]
    public void AdaptReadsTheInputsOfAStreamedCsvFile()
    {
        // Adapt over a CsvBatches reader (data larger than memory) equals adapting on the whole array.
        var f = LayerFixture.Get("normalization");
        var x = f.Matrix("x");
        var path = Path.Combine(Path.GetTempPath(), $"dg-adapt-{Guid.NewGuid():N}.csv");
        try
        {
            var lines = new List<string> { "a,b,c,y" };
            for (var i = 0; i < 50; i++)
                lines.Add(string.Join(',', Enumerable.Range(0, 3).Select(j => x[i, j].ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + ",0");
            File.WriteAllLines(path, lines);
            using var streamed = new Normalization();
            streamed.Adapt(new CsvBatches(path, batchSize: 16, targetColumns: [-1]));
            using var input = Tensor.FromArray(x);
            streamed.Forward(input).Dispose();
            Assert.Equal(f.Vector("mean"), LayerFixture.Values(streamed.Mean!), new Tolerance(1e-9));
            Assert.Equal(f.Vector("variance"), LayerFixture.Values(streamed.Variance!), new Tolerance(1e-9));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void AdaptedFirstLayerBuildsTheModelAndIsNotTrained(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        var x = new double[,] { { 1, 10 }, { 3, 30 }, { 5, 20 }, { 7, 40 } };
        var y = new double[,] { { 1 }, { 2 }, { 3 }, { 4 } };
        var norm = new Normalization();
        norm.Adapt(x);
        using var model = new Sequential(norm, new Dense(1)) { DType = DType.Float64, Device = device };
        Assert.True(model.Built);
        Assert.All(model.Weights, w => Assert.Equal(device, w.Device)); // as Keras: the adapted layer knows its input shape
        Assert.Equal((3L, 5L), (model.TrainableParamCount, model.NonTrainableParamCount));
        var before = norm.Weights.SelectMany(LayerFixture.Values).ToArray();
        model.Compile("adam", "mse");
        model.Fit(x, y, epochs: 5, batchSize: 2, verbose: 0);
        Assert.Equal(before, norm.Weights.SelectMany(LayerFixture.Values));
        Assert.Equal([4.0, 25, 5, 125, 4], before);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Equal("axis", Assert.Throws<ArgumentOutOfRangeException>(() => new Normalization(axis: 0)).ParamName);
        Assert.Throws<ArgumentException>(() => new Normalization(mean: [1.0], variance: null));
        Assert.Equal("variance", Assert.Throws<ArgumentException>(() => new Normalization(mean: [1.0], variance: [-1.0])).ParamName);
        Assert.Throws<ArgumentException>(() => new Normalization(mean: [1.0, 2], variance: [1.0]));
        using var given = new Normalization(mean: 1.0, variance: 1.0);
        Assert.Throws<InvalidOperationException>(() => given.Adapt(new double[,] { { 1 } }));
        using var layer = new Normalization();
        var nan = Assert.Throws<ArgumentException>(() => layer.Adapt(new double[,] { { 1, double.NaN } }));
        Assert.Contains("row 0, feature 1", nan.Message);
        Assert.Throws<ArgumentException>(() => layer.Adapt(new double[0, 2]));
        Assert.Throws<ArgumentException>(() => layer.Adapt(Array.Empty<double[,]>()));
        layer.Adapt(new double[,] { { 1, 2 } });
        var width = Assert.Throws<ArgumentException>(() => layer.Adapt(new double[,] { { 1, 2, 3 } }));
        Assert.Contains("2 features", width.Message);
        using var perFeature = new Normalization(mean: [1.0, 2], variance: [1.0, 4]);
        using var threeWide = Tensor.Zeros([1, 3], DType.Float64, Device.CPU);
        Assert.Throws<ArgumentException>(() => perFeature.Forward(threeWide));
        layer.Dispose();
        using var two = Tensor.Zeros([1, 2], DType.Float64, Device.CPU);
        Assert.Throws<ObjectDisposedException>(() => layer.Forward(two));
        Assert.Throws<ObjectDisposedException>(() => layer.Adapt(new double[,] { { 1, 2 } }));
    }
}
