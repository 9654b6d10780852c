using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary><see cref="GlmResult.GetPrediction"/> against statsmodels' <c>get_prediction(exog).summary_frame()</c>.</summary>
public class GlmPredictionTests
{
    private static void AssertFrame(GlmFixture expected, GlmPrediction p)
    {
        Close.All(expected.Array("mean"), p.Mean, 1e-6, 1e-12, $"{expected.Name} mean");
        Close.All(expected.Array("mean_se"), p.MeanSe, 1e-5, 1e-12, $"{expected.Name} mean_se");
        Close.All(expected.Array("mean_ci_lower"), p.MeanCiLower, 1e-6, 1e-12, $"{expected.Name} mean_ci_lower");
        Close.All(expected.Array("mean_ci_upper"), p.MeanCiUpper, 1e-6, 1e-12, $"{expected.Name} mean_ci_upper");
    }

    [Fact]
    public void Gaussian_identity_predictions_equal_statsmodels_glm_and_ols()
    {
        var f = GlmFixture.Load("inference_gaussian");
        // GLM(Gaussian): z intervals; OLS: t(df_resid) intervals.
        var glm = GlmRobustCovarianceTests.FitFixture(f, useT: false);
        AssertFrame(f.Section("prediction_glm"), glm.GetPrediction(f.Section("prediction_glm").Matrix("x")));
        var ols = GlmRobustCovarianceTests.FitFixture(f);
        var expected = f.Section("prediction_ols");
        var p = ols.GetPrediction(expected.Matrix("x"));
        AssertFrame(expected, p);
        Close.All(expected.Array("obs_ci_lower"), p.ObsCiLower, 1e-6, 1e-12, "obs_ci_lower");
        Close.All(expected.Array("obs_ci_upper"), p.ObsCiUpper, 1e-6, 1e-12, "obs_ci_upper");
    }

    [Theory]
    [InlineData("inference_poisson")]
    [InlineData("inference_binomial")]
    public void Log_and_logit_predictions_equal_statsmodels(string name)
    {
        var f = GlmFixture.Load(name);
        var fit = GlmRobustCovarianceTests.FitFixture(f);
        var expected = f.Section("prediction");
        var p = fit.GetPrediction(expected.Matrix("x"));
        AssertFrame(expected, p);
        Assert.All(p.ObsCiLower, v => Assert.True(double.IsNaN(v), "no observation interval outside least squares"));
        for (var i = 0; i < p.Mean.Count; i++)
            Assert.True(p.MeanCiLower[i] < p.Mean[i] && p.Mean[i] < p.MeanCiUpper[i], $"row {i}: the mean lies inside its interval");
    }

    [Fact]
    public void Predictions_follow_a_robust_covariance()
    {
        var f = GlmFixture.Load("inference_poisson");
        var hc0 = GlmRobustCovarianceTests.FitFixture(f).GetRobustCovResults(CovType.HC0);
        var expected = f.Section("prediction_HC0");
        AssertFrame(expected, hc0.GetPrediction(expected.Matrix("x")));
    }

    [Fact]
    public void Bad_rows_are_named()
    {
        var f = GlmFixture.Load("inference_poisson");
        var fit = GlmRobustCovarianceTests.FitFixture(f);
        var e = Assert.Throws<ArgumentException>(() => fit.GetPrediction(new double[2, 3]));
        Assert.Contains("x has 3 columns but the fit has 2", e.Message);
        Assert.Contains("without the constant column", e.Message);
        e = Assert.Throws<ArgumentException>(() => fit.GetPrediction(new[,] { { 0.0, 1 }, { double.NaN, 0 } }));
        Assert.Contains("row 1, column 0", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => fit.GetPrediction(new double[1, 2], alpha: 1));
    }
}
