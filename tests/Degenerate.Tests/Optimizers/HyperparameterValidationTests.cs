using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Optimizers;

namespace Degenerate.Tests.Optimizers;

/// <summary>NaN, infinite and out-of-range hyperparameters must be rejected at construction, naming the argument.</summary>
public class HyperparameterValidationTests
{
    private static void AssertRejects(string param, Action create)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(create);
        Assert.Equal(param, ex.ParamName);
    }

    [Theory]
    [InlineData("momentum", double.NaN)]
    [InlineData("momentum", -0.1)]
    [InlineData("momentum", 1.5)]
    public void SGD(string param, double v) => AssertRejects(param, () => _ = new SGD(momentum: v));

    [Theory]
    [InlineData("beta1", double.NaN)]
    [InlineData("beta1", 1.0)]
    [InlineData("beta2", double.NaN)]
    [InlineData("beta2", -0.1)]
    [InlineData("epsilon", double.NaN)]
    [InlineData("epsilon", double.PositiveInfinity)]
    [InlineData("epsilon", 0.0)]
    public void Adam(string param, double v) => AssertRejects(param, () => _ = param switch
    {
        "beta1" => new Adam(beta1: v),
        "beta2" => new Adam(beta2: v),
        _ => new Adam(epsilon: v),
    });

    [Theory]
    [InlineData("rho", double.NaN)]
    [InlineData("rho", 1.0)]
    [InlineData("momentum", double.NaN)]
    [InlineData("epsilon", double.NaN)]
    public void RMSprop(string param, double v) => AssertRejects(param, () => _ = param switch
    {
        "rho" => new RMSprop(rho: v),
        "momentum" => new RMSprop(momentum: v),
        _ => new RMSprop(epsilon: v),
    });

    [Theory]
    [InlineData("initialAccumulatorValue", double.NaN)]
    [InlineData("initialAccumulatorValue", double.PositiveInfinity)]
    [InlineData("initialAccumulatorValue", -1.0)]
    [InlineData("epsilon", double.NaN)]
    public void Adagrad(string param, double v) => AssertRejects(param, () => _ = param == "epsilon"
        ? new Adagrad(epsilon: v)
        : new Adagrad(initialAccumulatorValue: v));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-0.01)]
    public void LearningRate(double v)
    {
        AssertRejects("learningRate", () => _ = new SGD(learningRate: v));
        var opt = new SGD();
        AssertRejects("LearningRate", () => opt.LearningRate = v);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    public void Dropout(double v) => AssertRejects("rate", () => _ = new Dropout(v));

    [Theory]
    [InlineData("minDelta", double.NaN, 0)]
    [InlineData("minDelta", double.PositiveInfinity, 0)]
    [InlineData("patience", 0.0, -1)]
    public void EarlyStopping(string param, double minDelta, int patience) =>
        AssertRejects(param, () => _ = new EarlyStopping(minDelta: minDelta, patience: patience));

    [Theory]
    [InlineData("factor", 1.0, 0.0, 0.0, 10, 0)]
    [InlineData("factor", double.NaN, 0.0, 0.0, 10, 0)]
    [InlineData("factor", 0.0, 0.0, 0.0, 10, 0)]
    [InlineData("minLr", 0.1, double.NaN, 0.0, 10, 0)]
    [InlineData("minLr", 0.1, -1e-3, 0.0, 10, 0)]
    [InlineData("minDelta", 0.1, 0.0, double.NaN, 10, 0)]
    [InlineData("patience", 0.1, 0.0, 0.0, -1, 0)]
    [InlineData("cooldown", 0.1, 0.0, 0.0, 10, -1)]
    public void ReduceLROnPlateau(string param, double factor, double minLr, double minDelta, int patience, int cooldown) =>
        AssertRejects(param, () => _ = new ReduceLROnPlateau(factor: factor, minLr: minLr, minDelta: minDelta,
            patience: patience, cooldown: cooldown));
}
