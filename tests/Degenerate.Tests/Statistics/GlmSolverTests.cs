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

    [Fact]
    public void A_softmax_model_with_one_hot_targets_compiled_with_Newton_gives_MNLogit()
    {
        // The softmax Hessian is singular (adding one vector to every class changes nothing): Newton's steps come from
        // the pseudo-inverse, and the class differences still land on MNLogit.
        var f = GlmFixture.Load("mnlogit");
        var labels = f.Y;
        var oneHot = new double[labels.Length, 4];
        for (var i = 0; i < labels.Length; i++) oneHot[i, (int)labels[i]] = 1;
        Degenerate.Random.Seed(3);
        using var model = new Sequential(new Dense(4, "softmax", inputDim: 3)) { Device = Device.CPU };
        model.Compile(new Newton(), "categorical_crossentropy");
        model.Fit(f.X, oneHot, epochs: 40, verbose: 0);
        var r = Glm.FromModel(model, f.X, oneHot);
        Assert.Equal(Family.Multinomial, r.Family);
        Assert.Equal("1:const", r.ParamNames[0]);
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, "Newton softmax params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 1e-10, "Newton softmax bse");
    }

    [Fact]
    public void An_inverse_activation_with_the_Gamma_loss_is_the_Gamma_GLM_with_inverse_link()
    {
        var f = GlmFixture.Load("gamma_inverse");
        var mean = f.Y.Average();
        using var model = new Sequential(new Dense(1, "inverse", inputDim: 2,
            kernelInitializer: new Degenerate.Initializers.Zeros(), biasInitializer: new Degenerate.Initializers.Constant(1 / mean)))
            { Device = Device.CPU };
        model.Compile(new Newton(), "gamma");
        model.Fit(f.X, f.Y, epochs: 50, verbose: 0);
        var r = Glm.FromModel(model, f.X, f.Y);
        Assert.Equal((Family.Gamma, Link.Inverse), (r.Family, r.Link));
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, "inverse-activation Gamma params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 1e-10, "inverse-activation Gamma bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, "inverse-activation Gamma llf");
    }

    [Fact]
    public void A_sigmoid_network_on_proportions_weighted_by_trials_is_the_binomial_count_GLM()
    {
        // Successes out of trials: the proportion as the label and the trials as Keras sample weights.
        var f = GlmFixture.Load("binomial_counts");
        var trials = f.Weights!;
        using var model = new Sequential(new Dense(1, "sigmoid", inputDim: 2)) { Device = Device.CPU };
        model.Compile(new Newton(), "binary_crossentropy");
        model.Fit(f.X, f.Y, epochs: 30, verbose: 0, sampleWeight: trials);
        var r = Glm.FromModel(model, f.X, f.Y, weights: trials);
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, "weighted sigmoid params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 1e-10, "weighted sigmoid bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, "weighted sigmoid llf");
        Close.Equal(f.Number("deviance"), r.Deviance, 1e-7, 0, "weighted sigmoid deviance");
    }

    [Fact]
    public void A_wide_design_takes_the_BLAS_path_and_agrees_with_the_autograd_Newton_network()
    {
        // 70 columns: past the AVX2 kernel's limit (64), so the native passes use libtorch's matrix products; the
        // reference is a Dense network whose Newton steps come from autograd, independent of glm.cpp.
        var rng = new System.Random(9);
        const int n = 400, p = 70;
        var x = new double[n, p];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var eta = -0.2;
            for (var j = 0; j < p; j++)
            {
                x[i, j] = rng.NextDouble() * 2 - 1;
                eta += x[i, j] * Math.Sin(j) * 0.3;
            }
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
        }
        var fit = Glm.Fit(x, y, Family.Binomial);
        Assert.True(fit.Converged, string.Join("; ", fit.Warnings));
        using var model = new Sequential(new Dense(1, "sigmoid", inputDim: p, kernelInitializer: new Degenerate.Initializers.Zeros()))
            { Device = Device.CPU };
        model.Compile(new Newton(), "binary_crossentropy");
        model.Fit(x, y, epochs: 30, verbose: 0);
        var w = model.GetWeights();
        var reference = new[] { w[1].ToArray<double>()[0] }.Concat(w[0].ToArray<double>()).ToArray();
        Close.All(reference, fit.Params, 1e-7, 1e-9, "wide logit params");
    }

    [Fact]
    public void FromModel_reads_a_Dense_layer_followed_by_an_Activation_layer()
    {
        var f = GlmFixture.Load("poisson");
        using var model = new Sequential(
            new Dense(1, inputDim: 2, kernelInitializer: new Degenerate.Initializers.Zeros()),
            new Degenerate.Layers.Activation("exponential")) { Device = Device.CPU };
        model.Compile(new Newton(), "poisson");
        model.Fit(f.X, f.Y, epochs: 30, verbose: 0);
        var r = Glm.FromModel(model, f.X, f.Y);
        Assert.Equal((Family.Poisson, Link.Log), (r.Family, r.Link));
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, "Dense + Activation params");
    }
}
