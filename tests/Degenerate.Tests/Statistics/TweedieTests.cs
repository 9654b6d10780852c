using System.Text.Json;
using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// The Tweedie GLM against statsmodels 0.13.5's <c>GLM(family=Tweedie(var_power=p, link=...))</c> fitted by IRLS to
/// convergence (tests/fixtures/glm/make_negbin_fixtures.py): compound Poisson–gamma data with p = 1.5 (log link; identity
/// link with variance weights) and p = 2.5. statsmodels' llf is NaN for Tweedie, and so are its aic and bic_llf.
/// </summary>
public class TweedieTests
{
    public static TheoryData<string> Names => ["tweedie_log", "tweedie_identity", "tweedie_p2_5"];

    private static GlmResult FitFixture(GlmFixture f, Solver solver = Solver.Newton) => Glm.Fit(f.X, f.Y, Family.Tweedie, f.Link,
        new GlmOptions { VarPower = f.Number("var_power"), VarWeights = f.OptionalArray("var_weights"), UseTDistribution = false, Solver = solver });

    private static void AssertMatches(GlmFixture f, GlmResult r, double paramsTolerance, double bseTolerance)
    {
        Close.All(f.Array("params"), r.Params, paramsTolerance, 1e-8, $"{f.Name} params");
        Close.All(f.Array("bse"), r.Bse, bseTolerance, 1e-10, $"{f.Name} bse");
        Close.All(f.Array("pvalues"), r.PValues, 1e-4, 1e-12, $"{f.Name} pvalues");
        Close.Equal(f.Number("deviance"), r.Deviance, 1e-7, 1e-9, $"{f.Name} deviance");
        Close.Equal(f.Number("pearson_chi2"), r.PearsonChi2, 1e-7, 1e-9, $"{f.Name} pearson_chi2");
        Close.Equal(f.Number("scale"), r.Scale, 1e-7, 0, $"{f.Name} scale");
        Close.Equal(f.Number("bic_deviance"), r.BicDeviance, 1e-7, 1e-7, $"{f.Name} bic_deviance");
        Assert.False(f.Has("llf"));  // statsmodels: nan
        Assert.True(double.IsNaN(r.Llf) && double.IsNaN(r.LlNull) && double.IsNaN(r.Aic) && double.IsNaN(r.BicLlf));
        Assert.Equal(f.Number("nobs"), r.Nobs);
        Assert.Equal(f.Number("df_resid"), r.DfResid);
        Assert.Equal(f.Number("df_model"), r.DfModel);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Newton_matches_statsmodels(string name)
    {
        var f = GlmFixture.Load(name);
        var r = FitFixture(f);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Assert.Empty(r.Warnings);
        Assert.Equal(f.Number("var_power"), r.VarPower);
        AssertMatches(f, r, 1e-6, 1e-5);
    }

    [Fact]
    public void Lbfgs_on_the_quasi_likelihood_matches_statsmodels()
    {
        var f = GlmFixture.Load("tweedie_log");
        var r = FitFixture(f, Solver.LBFGS);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        AssertMatches(f, r, 1e-5, 1e-4);
    }

    [Theory]
    [InlineData("tweedie_log")]
    [InlineData("tweedie_identity")]
    public void Predictions_match_statsmodels_summary_frame(string name)
    {
        var f = GlmFixture.Load(name);
        var p = FitFixture(f).GetPrediction(f.Matrix("new_x"));
        Close.All(f.Array("pred_mean"), p.Mean, 1e-6, 1e-10, $"{name} mean");
        Close.All(f.Array("pred_mean_se"), p.MeanSe, 1e-5, 1e-10, $"{name} mean_se");
        Close.All(f.Array("pred_ci_lower"), p.MeanCiLower, 1e-5, 1e-10, $"{name} mean_ci_lower");
        Close.All(f.Array("pred_ci_upper"), p.MeanCiUpper, 1e-5, 1e-10, $"{name} mean_ci_upper");
    }

    [Fact]
    public void Summary_and_json_report_nan_likelihood_as_statsmodels()
    {
        var f = GlmFixture.Load("tweedie_log");
        var r = FitFixture(f);
        var text = r.Summary("y");
        Assert.Contains("Tweedie", text);
        Assert.Matches(@"Log-Likelihood:\s+nan", text);
        using var doc = JsonDocument.Parse(r.ToJson());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("llf").ValueKind);
        Assert.Equal(1.5, doc.RootElement.GetProperty("var_power").GetDouble());
        Assert.Equal("tweedie", doc.RootElement.GetProperty("family").GetString());
    }

    [Fact]
    public void Bad_power_response_and_link_are_refused_by_name()
    {
        var f = GlmFixture.Load("tweedie_log");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Glm.Fit(f.X, f.Y, Family.Tweedie, options: new GlmOptions { VarPower = 0.5 }));
        Assert.Equal("VarPower", e.ParamName);
        var negative = f.Y.ToArray();
        negative[2] = -0.1;
        var r = Assert.Throws<ArgumentException>(() => Glm.Fit(f.X, negative, Family.Tweedie, options: new GlmOptions { VarPower = 1.5 }));
        Assert.Contains("y[2]", r.Message);
        // p >= 2 needs y > 0 (the data hold exact zeros).
        var z = Assert.Throws<ArgumentException>(() => Glm.Fit(f.X, f.Y, Family.Tweedie, options: new GlmOptions { VarPower = 2 }));
        Assert.Contains("> 0", z.Message);
        Assert.Throws<ArgumentException>(() => Glm.Fit(f.X, f.Y, Family.Tweedie, Link.Logit, new GlmOptions { VarPower = 1.5 }));
    }
}
