using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Layers;

public class LayerNormalizationTests
{
    [Fact]
    public void MatchesNumPyPerRowNormalization()
    {
        // NumPy reference (tests/fixtures/layers/make_fixtures.py): (x − mean) / √(var + 1e-3) · gamma + beta per row.
        var f = LayerFixture.Get("layer_normalization");
        using var model = new Sequential(new Input(4), new LayerNormalization()) { DType = DType.Float64, Device = Device.CPU };
        Assert.Equal(["gamma", "beta"], model.Layers[0].WeightNames);
        model.SetWeights(new Array[] { f.Vector("gamma"), f.Vector("beta") });
        // The same in training and inference: statistics come from each sample alone.
        using var x = Tensor.FromArray(f.Matrix("x"));
        using var inference = model.Layers[0].Forward(x);
        using var training = model.Layers[0].Forward(x, training: true);
        Assert.Equal(LayerFixture.Flat(f.Matrix("y")), LayerFixture.Values(inference), new Tolerance(1e-10));
        Assert.Equal(LayerFixture.Values(inference), LayerFixture.Values(training));
        using var predicted = model.Predict(f.Matrix("x"));
        Assert.Equal(LayerFixture.Flat(f.Matrix("y")), LayerFixture.Values(predicted), new Tolerance(1e-10));
    }

    [Fact]
    public void KerasOutputTestReplayed()
    {
        // keras/src/layers/normalization/layer_normalization_test.py, test_output: beta and gamma initialized to ones,
        // input arange(5) → [-0.41386, 0.29307, 1.0, 1.70693, 2.41386].
        using var layer = new LayerNormalization(betaInitializer: "ones", gammaInitializer: "ones");
        using var x = Tensor.FromArray(new double[,] { { 0, 1, 2, 3, 4 } });
        using var y = layer.Forward(x);
        Assert.Equal([-0.41386, 0.29307, 1.0, 1.70693, 2.41386], LayerFixture.Values(y), new Tolerance(1e-5));
    }

    [Fact]
    public void KerasCorrectnessTestReplayed()
    {
        // keras/src/layers/normalization/layer_normalization_test.py, test_correctness: inputs centred on 5 with
        // scale 10; (out − beta) / gamma has mean 0 and std 1 (atol 1e-1).
        using var scope = new DisposeScope();
        var x = Tensor.RandNormal([1000, 8], 5.0, 10.0, DType.Float64, Device.CPU);
        using var layer = new LayerNormalization();
        var output = layer.Forward(x);
        var normalized = (output - layer.Beta!) / layer.Gamma!;
        Assert.Equal(0, normalized.Mean().Item(), 1e-1);
        Assert.Equal(1, (normalized - normalized.Mean()).Square().Mean().Sqrt().Item(), 1e-1);
    }

    [Fact]
    public void CenterAndScaleCanBeDropped()
    {
        using var plain = new LayerNormalization(center: false, scale: false);
        using var onlyScale = new LayerNormalization(center: false);
        using var x = Tensor.FromArray(new double[,] { { 1, 2, 3 } });
        using var y = plain.Forward(x);
        onlyScale.Forward(x).Dispose();
        Assert.Empty(plain.Weights);
        Assert.Equal(["gamma"], onlyScale.WeightNames);
        var s = Math.Sqrt(2.0 / 3 + 1e-3);
        Assert.Equal([-1 / s, 0, 1 / s], LayerFixture.Values(y), new Tolerance(1e-12));
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNormalization(epsilon: -1)).ParamName);
    }
}
