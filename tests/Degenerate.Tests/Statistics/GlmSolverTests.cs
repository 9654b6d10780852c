using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Statistics;
using Degenerate.Tensors;

namespace Degenerate.Tests.Statistics;

/// <summary>L-BFGS, Adam-trained networks and models compiled with the exact solvers, against statsmodels.</summary>
public class GlmSolverTests
{
    [Theory]
    [InlineData("ols")]
    [InlineData("spector_logit")]
    [InlineData("mnlogit")]
    [InlineData("poisson")]
    [InlineData("gamma_log")]
    [InlineData("gamma_inverse")]
    [InlineData("binomial_counts")]
    public void Lbfgs_reaches_the_statsmodels_estimates(string name)
    {
        var f = GlmFixture.Load(name);
        var r = GlmNewtonTests.FitFixture(f, Solver.LBFGS);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Assert.Equal("LBFGS", r.Method);
        // L-BFGS stops on the gradient (1e-10), not on the step: a looser bound than Newton's 1e-6 on the coefficients.
        Close.All(f.Array("params"), r.Params, 1e-5, 1e-7, $"{name} LBFGS params");
        Close.All(f.Array("bse"), r.Bse, 1e-4, 1e-8, $"{name} LBFGS bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, $"{name} LBFGS llf");
    }

    [Theory]
    [InlineData("spector_logit", 2e-2)]
    [InlineData("poisson", 2e-3)]
    public void Adam_trained_network_approaches_the_statsmodels_estimates(string name, double tolerance)
    {
        // Full-batch Adam (batch = all rows) from the intercept-only start: a gradient method, so the bound is loose.
        var f = GlmFixture.Load(name);
        var r = Glm.Fit(f.X, f.Y, f.Family, f.Link,
            new GlmOptions { Solver = Solver.Adam, Epochs = 3000, BatchSize = 1000, LearningRate = 0.05 });
        Assert.Equal("Adam", r.Method);
        Close.All(f.Array("params"), r.Params, tolerance, tolerance, $"{name} Adam params");
        Close.Equal(f.Number("llf"), r.Llf, 1e-4, 0, $"{name} Adam llf");
    }

    [Fact]
    public void A_Dense_model_compiled_with_Newton_lands_on_statsmodels_Logit()
    {
        var f = GlmFixture.Load("spector_logit");
        Degenerate.Random.Seed(7);
        using var model = new Sequential(new Dense(1, "sigmoid", inputDim: 3)) { Device = Device.CPU };
        model.Compile(new Newton(), "binary_crossentropy");
        Assert.Equal(DType.Float64, model.DType);
        var history = model.Fit(f.X, f.Y, epochs: 50, verbose: 0);
        // Newton converges in a handful of iterations and stops Fit.
        Assert.InRange(history.Count, 3, 20);
        Assert.Equal(history.Count, model.Optimizer!.Iterations);
        var r = Glm.FromModel(model, f.X, f.Y);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, "Newton-compiled model params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 1e-10, "Newton-compiled model bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, "Newton-compiled model llf");
    }

    [Fact]
    public void A_softmax_model_compiled_with_LBFGS_gives_MNLogit_differences_from_class_0()
    {
        var f = GlmFixture.Load("mnlogit");
        Degenerate.Random.Seed(11);
        using var model = new Sequential(new Dense(4, "softmax", inputDim: 3)) { Device = Device.CPU };
        model.Compile("lbfgs", "sparse_categorical_crossentropy");
        var labels = f.Y.Select(v => (int)v).ToArray();
        model.Fit(f.X, labels, epochs: 200, verbose: 0);
        var r = Glm.FromModel(model, f.X, labels);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(f.Array("params"), r.Params, 1e-5, 1e-7, "LBFGS softmax params");
        Close.Equal(f.Number("llf"), r.Llf, 1e-9, 0, "LBFGS softmax llf");
    }

    [Fact]
    public void A_Poisson_network_compiled_with_Newton_matches_GLM_Poisson()
    {
        var f = GlmFixture.Load("poisson");
        using var model = new Sequential(new Dense(1, "exponential", inputDim: 2, kernelInitializer: new Degenerate.Initializers.Zeros()))
            { Device = Device.CPU };
        model.Compile(new Newton(), "poisson");
        model.Fit(f.X, f.Y, epochs: 30, verbose: 0);
        var r = Glm.FromModel(model, f.X, f.Y);
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, "Newton Poisson network params");
        Close.Equal(f.Number("deviance"), r.Deviance, 1e-7, 0, "Newton Poisson network deviance");
    }

    [Fact]
    public void FromModel_warns_when_the_weights_are_not_at_the_maximum()
    {
        var f = GlmFixture.Load("logit");
        using var model = new Sequential(new Dense(1, "sigmoid", inputDim: 3)) { Device = Device.CPU };
        model.Compile("adam", "binary_crossentropy");
        model.Build(3);
        var r = Glm.FromModel(model, f.X, f.Y);
        Assert.False(r.Converged);
        Assert.Contains(r.Warnings, w => w.Contains("not at the maximum likelihood"));
    }

    [Fact]
    public void FromModel_rejects_networks_that_are_not_GLMs()
    {
        var f = GlmFixture.Load("logit");
        using var deep = new Sequential(new Dense(4, "relu", inputDim: 3), new Dense(1, "sigmoid"));
        deep.Compile("adam", "binary_crossentropy");
        var e = Assert.Throws<ArgumentException>(() => Glm.FromModel(deep, f.X, f.Y));
        Assert.Contains("one Dense layer", e.Message);
        using var mismatch = new Sequential(new Dense(1, "sigmoid", inputDim: 3));
        mismatch.Compile("adam", "mse");
        var e2 = Assert.Throws<ArgumentException>(() => Glm.FromModel(mismatch, f.X, f.Y));
        Assert.Contains("'sigmoid' with loss 'mean_squared_error' is not a GLM", e2.Message);
    }
}
