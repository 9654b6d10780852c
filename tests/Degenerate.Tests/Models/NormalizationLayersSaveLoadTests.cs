using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

// Serial: the resumed-training check needs libtorch's global generator to itself between Seed and Fit.
[Collection(Serial.Name)]
public class NormalizationLayersSaveLoadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dg-layers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (double[,] X, double[,] Y) Data()
    {
        var x = new double[16, 3];
        var y = new double[16, 1];
        for (var i = 0; i < 16; i++)
        {
            x[i, 0] = 100 + i;
            x[i, 1] = Math.Cos(i);
            x[i, 2] = i % 4;
            y[i, 0] = 0.01 * x[i, 0] + x[i, 1];
        }
        return (x, y);
    }

    private static Sequential Build(DType dtype, double[,] x)
    {
        var norm = new Normalization();
        norm.Adapt(x);
        return new Sequential(norm, new GaussianNoise(0.1), new BatchNormalization(momentum: 0.9, center: false),
            new Dense(4, "relu"), new LayerNormalization(epsilon: 1e-5), new Flatten(), new Dropout(0.2), new Dense(1))
        { DType = dtype, Device = Device.CPU };
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void EveryLayerRoundTripsExactly(DType dtype)
    {
        var (x, y) = Data();
        using var model = Build(dtype, x);
        model.Compile(new Adam(0.01), "mse");
        model.Fit(x, y, epochs: 3, batchSize: 4, verbose: 0);
        var path = Path.Combine(_dir, "m.dgm");
        model.Save(path);
        using var loaded = Sequential.Load(path);

        Assert.Equal(model.Layers.Select(l => (l.Name, l.ClassName)), loaded.Layers.Select(l => (l.Name, l.ClassName)));
        Assert.Equal(model.Layers.Select(l => l.GetConfig().ToJsonString()), loaded.Layers.Select(l => l.GetConfig().ToJsonString()));
        Assert.Equal(model.Weights.Select(w => w.ShapeString), loaded.Weights.Select(w => w.ShapeString));
        for (var i = 0; i < model.Weights.Count; i++) Assert.True(model.Weights[i].ExactlyEquals(loaded.Weights[i]), $"weight {i}");
        Assert.Equal((model.TrainableParamCount, model.NonTrainableParamCount), (loaded.TrainableParamCount, loaded.NonTrainableParamCount));
        using var a = model.Predict(x);
        using var b = loaded.Predict(x);
        Assert.True(a.ExactlyEquals(b));
        // Training resumes identically: the moving statistics and the optimizer state both came back.
        Degenerate.Random.Seed(7);
        model.Fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0);
        Degenerate.Random.Seed(7);
        loaded.Fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0);
        for (var i = 0; i < model.Weights.Count; i++) Assert.True(model.Weights[i].ExactlyEquals(loaded.Weights[i]), $"weight {i} after resuming");
    }

    [Fact]
    public void GivenStatisticsAndInputWidthComeBack()
    {
        using var model = new Sequential(new Input(2), new Normalization(mean: [1.0, -1], variance: [4.0, 9], invert: true), new Dense(1))
        { Device = Device.CPU };
        var path = Path.Combine(_dir, "given.dgm");
        model.SaveWeights(path);
        using var loaded = Sequential.Load(path);
        Assert.Equal(2L, loaded.InputDim);
        var norm = Assert.IsType<Normalization>(loaded.Layers[0]);
        Assert.True(norm.Invert && norm.HasGivenStatistics);
        Assert.Empty(norm.Weights);
        using var p = loaded.Predict(new double[,] { { 1, 1 } });
        using var q = model.Predict(new double[,] { { 1, 1 } });
        Assert.True(p.ExactlyEquals(q));
    }

    [Fact]
    public void WeightTableNamesFollowKeras()
    {
        var (x, _) = Data();
        using var model = Build(DType.Float32, x);
        var path = Path.Combine(_dir, "names.dgm");
        model.SaveWeights(path);
        var contents = ModelFile.Read(path);
        try
        {
            var names = contents.Header["weights"]!.AsArray().Select(w => $"{(string?)w!["layer"]}/{(string?)w["name"]}");
            Assert.Equal(
                ["normalization/mean", "normalization/variance", "normalization/count",
                 "batch_normalization/gamma", "batch_normalization/moving_mean", "batch_normalization/moving_variance",
                 "dense/kernel", "dense/bias", "layer_normalization/gamma", "layer_normalization/beta", "dense_1/kernel", "dense_1/bias"],
                names);
        }
        finally
        {
            foreach (var w in contents.Weights) w.Dispose();
        }
    }

    [Fact]
    public void LoadWeightsRefusesAnotherArchitecture()
    {
        var (x, _) = Data();
        using var model = Build(DType.Float32, x);
        var path = Path.Combine(_dir, "w.dgm");
        model.SaveWeights(path);
        using var other = new Sequential(new Input(3), new BatchNormalization(), new Dense(1)) { Device = Device.CPU };
        Assert.Throws<ArgumentException>(() => other.LoadWeights(path));
    }
}
