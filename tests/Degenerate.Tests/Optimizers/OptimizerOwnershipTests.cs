using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Optimizers;

public class OptimizerOwnershipTests
{
    private static Sequential Model(string name) => new(new Dense(1, inputDim: 2)) { Name = name, Device = Device.CPU, DType = DType.Float64 };

    [Fact]
    public void OneOptimizerCannotTrainTwoModels()
    {
        using var a = Model("a");
        using var b = Model("b");
        var shared = new SGD(0.1);
        a.Compile(shared, "mse");
        var before = b.GetWeights().Select(w => { using (w) return w.ToArray<double>(); }).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => b.Compile(shared, "mse"));
        Assert.Contains("already trains model 'a'", e.Message);
        Assert.Contains("give model 'b' its own optimizer", e.Message);
        Assert.False(b.IsCompiled);

        // Fitting a still trains a, and b's weights are untouched.
        double[,] x = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
        double[] y = [1, 2, 3];
        a.Fit(x, y, epochs: 3, verbose: 0);
        Assert.Equal(3, shared.Iterations);
        var after = b.GetWeights().Select(w => { using (w) return w.ToArray<double>(); }).ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public void RecompilingTheSameModelWithItsOptimizerIsFine()
    {
        using var a = Model("a");
        var adam = new Adam(0.01);
        a.Compile(adam, "mse");
        a.Compile(adam, "mae");
        Assert.Same(adam, a.Optimizer);
        a.Fit(new double[,] { { 1, 2 } }, new double[] { 1 }, epochs: 2, verbose: 0);
        Assert.Equal(2, adam.Iterations);
    }

    [Fact]
    public void AnOptimizerIsFreeAgainOnceItsModelMovesOnOrIsDisposed()
    {
        var first = new SGD(0.1);
        using (var a = Model("a"))
        {
            a.Compile(first, "mse");
            using var b = Model("b");
            a.Compile(new SGD(0.2), "mse"); // a now has another optimizer
            b.Compile(first, "mse");
            Assert.Same(first, b.Optimizer);
        }
        var second = new SGD(0.1);
        var c = Model("c");
        c.Compile(second, "mse");
        c.Dispose();
        using var d = Model("d");
        d.Compile(second, "mse");
        Assert.Same(second, d.Optimizer);
    }
}
