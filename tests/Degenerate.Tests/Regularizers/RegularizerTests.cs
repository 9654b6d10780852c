using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Regularizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Regularizers;

public class RegularizerTests
{
    [Fact]
    public void PenaltiesUseKerasFactorsWithoutAHalf()
    {
        using var w = Tensor.FromArray(new[] { 1.0, -2.0, 3.0 });
        using var l1 = new L1(0.1).Penalty(w);
        using var l2 = new L2(0.1).Penalty(w);
        using var both = new L1L2(0.1, 0.2).Penalty(w);
        Assert.Equal(0.1 * 6, l1.Item(), 1e-12);
        Assert.Equal(0.1 * 14, l2.Item(), 1e-12);
        Assert.Equal(0.1 * 6 + 0.2 * 14, both.Item(), 1e-12);
        Assert.Equal(0.01, new L2().Factor);
        Assert.Equal("l1_l2(0.1,0.2)", new L1L2(0.1, 0.2).Describe());
        var parsed = Assert.IsType<L1L2>(Regularizer.Get("l1_l2(0.1,0.2)"));
        Assert.Equal((0.1, 0.2), (parsed.L1.Factor, parsed.L2.Factor));
    }

    [Fact]
    public void KernelPenaltyIsAddedToTheLossAndItsGradient()
    {
        double[] x = [1, 2, 3];
        double[] y = [1, 1, 1];
        using var model = new Sequential(new Dense(1, inputDim: 1, kernelRegularizer: new L2(0.5)))
        { DType = DType.Float64, Device = Device.CPU };
        model.SetWeights(new Array[] { new[,] { { 2.0 } }, new[] { 0.0 } });
        model.Compile(new SGD(0.01), "mse");
        // Evaluate: MSE + 0.5·w² (the bias is not penalized).
        var mse = x.Select((v, i) => (2 * v - y[i]) * (2 * v - y[i])).Average();
        Assert.Equal(mse + 0.5 * 4, model.Evaluate(x, y)["loss"], 1e-12);

        // One full-batch step: the gradient gains 2·0.5·w.
        var h = model.Fit(x, y, epochs: 1, batchSize: 3, verbose: 0);
        Assert.Equal(mse + 2, h["loss"][0], 1e-12);
        var grad = 2.0 / 3 * x.Select((v, i) => (2 * v - y[i]) * v).Sum() + 2 * 0.5 * 2;
        var weights = model.GetWeights();
        Assert.Equal(2 - 0.01 * grad, weights[0].ToArray<double>()[0], 1e-12);
        foreach (var t in weights) t.Dispose();
    }
}
