using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Layers;

public class NoiseFlattenInputTests
{
    [Fact]
    public void GaussianNoiseKerasCorrectnessTestReplayed()
    {
        // keras/src/layers/regularization/gaussian_noise_test.py, test_gaussian_noise_correctness: ones (20, 500),
        // stddev 0.3, training: the output's std is 0.3 (atol 0.02); at inference the input comes back unchanged.
        using var scope = new DisposeScope();
        var x = Tensor.Ones([20, 500], DType.Float64, Device.CPU);
        using var layer = new GaussianNoise(0.3);
        var noisy = layer.Forward(x, training: true);
        var std = (noisy - noisy.Mean()).Square().Mean().Sqrt().Item();
        Assert.Equal(0.3, std, 0.02);
        Assert.Equal(1.0, noisy.Mean().Item(), 0.01);
        Assert.True(layer.Forward(x).ExactlyEquals(x));
        Assert.Equal("stddev", Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoise(-0.1)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoise(double.NaN));
    }

    [Fact]
    public void GaussianNoiseIsTrainingOnlyInsideAModel()
    {
        // Predict and Evaluate are inference: a noisy first layer changes nothing there.
        var x = new double[,] { { 1, 2 }, { 3, 4 } };
        using var noisy = new Sequential(new Input(2), new GaussianNoise(5.0), new Dense(1)) { DType = DType.Float64, Device = Device.CPU };
        using var plain = new Sequential(new Input(2), new Dense(1)) { DType = DType.Float64, Device = Device.CPU };
        var weights = noisy.GetWeights();
        plain.SetWeights(weights);
        foreach (var w in weights) w.Dispose();
        using var a = noisy.Predict(x);
        using var b = plain.Predict(x);
        Assert.True(a.ExactlyEquals(b));
        noisy.Compile("sgd", "mse");
        plain.Compile("sgd", "mse");
        Assert.Equal(plain.Evaluate(x, new double[,] { { 1 }, { 0 } })["loss"], noisy.Evaluate(x, new double[,] { { 1 }, { 0 } })["loss"]);
    }

    [Fact]
    public void FlattenKeepsRowsAndFlattensHigherRanks()
    {
        // keras/src/layers/reshaping/flatten_test.py: (N, 3, 4) → (N, 12); an (N, d) input is already flat.
        using var flatten = new Flatten();
        using var cube = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (double)i).ToArray(), [2, 3, 4]);
        using var flat = flatten.Forward(cube);
        Assert.Equal([2L, 12], flat.Shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (double)i), LayerFixture.Values(flat));
        using var model = new Sequential(new Input(3), new Flatten(), new Dense(2)) { Device = Device.CPU };
        Assert.IsType<Flatten>(model.Layers[0]);
        Assert.Equal(3L, model.Layers[0].OutputDim(3));
        Assert.Equal(8L, model.ParamCount);
    }

    [Fact]
    public void InputDeclaresTheWidthLikeKerasInput()
    {
        // keras.Sequential([keras.Input(shape=(3,)), Dense(2)]): built at once, and the InputLayer is not a layer of it.
        using var model = new Sequential(new Input(3), new Dense(2));
        Assert.True(model.Built);
        Assert.Equal(3L, model.InputDim);
        Assert.Single(model.Layers);
        Assert.Equal(8L, model.ParamCount);
        Assert.DoesNotContain("InputLayer", model.Summary());

        using var later = new Sequential(new Input(4));
        Assert.False(later.Built);
        later.Add(new Dense(1));
        Assert.Equal(5L, later.ParamCount);

        Assert.Throws<ArgumentException>(() => new Input(3, 4));
        Assert.Equal("shape", Assert.Throws<ArgumentOutOfRangeException>(() => new Input(0)).ParamName);
        Assert.Throws<ArgumentException>(() => new Sequential(new Dense(2, inputDim: 3), new Input(2)));
        Assert.Throws<ArgumentException>(() => new Sequential(new Input(3), new Dense(2, inputDim: 4)));
        // A declared width is checked through shape-keeping layers too.
        var through = Assert.Throws<ArgumentException>(() => new Sequential(new Input(3), new Dense(4), new BatchNormalization(), new Dense(1, inputDim: 5)));
        Assert.Contains("outputs 4", through.Message);
    }
}
