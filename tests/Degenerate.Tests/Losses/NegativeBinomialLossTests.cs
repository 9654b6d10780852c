using System.Text.Json;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Statistics;
using Degenerate.Tensors;
using Degenerate.Tests.Statistics;

namespace Degenerate.Tests.Losses;

/// <summary>
/// The negative binomial loss: its value against scipy's <c>nbinom.logpmf</c> less the terms free of μ
/// (tests/fixtures/glm/negbin_loss.json, make_negbin_fixtures.py), the network it makes read back as the NB GLM, and
/// saving/loading with its α.
/// </summary>
public class NegativeBinomialLossTests
{
    [Fact]
    public void Per_sample_value_is_the_scipy_negative_log_likelihood_less_terms_free_of_mu()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "glm", "negbin_loss.json")));
        var root = doc.RootElement;
        double[] Column(string key) => root.GetProperty(key).EnumerateArray().Select(r => r[0].GetDouble()).ToArray();
        var y = Column("y_true");
        var mu = Column("y_pred");
        using var scope = new DisposeScope();
        var yt = Tensor.FromArray(y, [y.Length, 1]);
        var mt = Tensor.FromArray(mu, [mu.Length, 1]);
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            var alpha = c.GetProperty("alpha").GetDouble();
            var expected = c.GetProperty("per_sample").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var loss = new NegativeBinomial(alpha);
            Close.All(expected, loss.PerSample(yt, mt).ToArray<double>(), 1e-12, 1e-14, $"alpha {alpha} per sample");
            // The exponential-output form from z = log μ gives the same numbers.
            var fromLogits = loss.PerSampleFromLogits(yt, mt.Log(), new Degenerate.Activations.Exponential())!.ToArray<double>();
            Close.All(expected, fromLogits, 1e-12, 1e-14, $"alpha {alpha} from logits");
            Close.Equal(expected.Average(), loss.Call(yt, mt).Item(), 1e-12, 0, $"alpha {alpha} reduced");
        }
    }

    [Fact]
    public void Bad_alpha_and_negative_targets_are_refused()
    {
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new NegativeBinomial(0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NegativeBinomial(double.NaN));
        using var scope = new DisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new NegativeBinomial(1).ValidateTargets(Tensor.FromArray(new[] { 1.0, -2 }, [2, 1]), 1, "y"));
        Assert.Contains("negative", e.Message);
        Assert.IsType<NegativeBinomial>(Loss.Get("negative_binomial"));
    }

    [Fact]
    public void Exponential_Dense_with_the_loss_trained_by_Newton_is_the_negative_binomial_glm()
    {
        var f = GlmFixture.Load("nb2_exposure");
        const double alpha = 0.65;
        var glm = Glm.Fit(f.X, f.Y, Family.NegativeBinomial, options: new GlmOptions { Alpha = alpha });
        Degenerate.Random.Seed(3);
        using var model = new Sequential(new Dense(1, "exponential", inputDim: 2, kernelInitializer: new Degenerate.Initializers.Zeros())) { Device = Device.CPU };
        model.Compile(new Newton(), new NegativeBinomial(alpha));
        model.Fit(f.X, f.Y, epochs: 60, verbose: 0);
        var r = Glm.FromModel(model, f.X, f.Y);
        Assert.Equal(Family.NegativeBinomial, r.Family);
        Assert.Equal(Link.Log, r.Link);
        Assert.Equal(alpha, r.Alpha);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(glm.Params, r.Params, 1e-6, 1e-8, "network params");
        Close.All(glm.Bse, r.Bse, 1e-5, 1e-10, "network bse");
        Close.Equal(glm.Llf, r.Llf, 1e-10, 0, "network llf");
        Close.Equal(glm.Deviance, r.Deviance, 1e-8, 0, "network deviance");
    }

    [Fact]
    public void Solver_Adam_trains_the_negative_binomial_network_toward_the_glm()
    {
        // Glm.Fit's Adam path builds Dense(1, "exponential") + NegativeBinomial(alpha): full-batch Adam, a gradient
        // method from the intercept-only start, so the bound is loose (as the other Adam tests).
        var f = GlmFixture.Load("nb2_exposure");
        var exact = Glm.Fit(f.X, f.Y, Family.NegativeBinomial, options: new GlmOptions { Alpha = 0.65 });
        var adam = Glm.Fit(f.X, f.Y, Family.NegativeBinomial, options: new GlmOptions
        {
            Alpha = 0.65, Solver = Solver.Adam, Epochs = 3000, BatchSize = 1000, LearningRate = 0.05,
        });
        Assert.Equal("Adam", adam.Method);
        Assert.Equal(0.65, adam.Alpha);
        Close.All(exact.Params, adam.Params, 2e-3, 2e-3, "Adam params");
        Close.Equal(exact.Llf, adam.Llf, 1e-4, 0, "Adam llf");
    }

    [Fact]
    public void Saved_and_loaded_with_its_alpha()
    {
        var path = Path.Combine(Path.GetTempPath(), $"negbin-{Guid.NewGuid():N}.dgm");
        try
        {
            using (var model = new Sequential(new Dense(1, "exponential", inputDim: 3)))
            {
                model.Compile("adam", new NegativeBinomial(0.37));
                model.Save(path);
            }
            using var loaded = Sequential.Load(path);
            var loss = Assert.IsType<NegativeBinomial>(loaded.Loss);
            Assert.Equal(0.37, loss.Alpha);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
