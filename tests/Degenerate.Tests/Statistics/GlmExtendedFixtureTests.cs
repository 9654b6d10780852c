using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// Offsets, exposure, frequency and variance weights and the further links against statsmodels 0.13.5's GLM
/// (tests/fixtures/glm/make_extended_fixtures.py): params 1e-6, bse 1e-5, likelihoods 1e-8 relative.
/// </summary>
public class GlmExtendedFixtureTests
{
    public static TheoryData<string> Names =>
    [
        "poisson_exposure", "poisson_offset", "gamma_log_offset", "binomial_offset", "gaussian_offset",
        "poisson_freq_weights", "poisson_freq_var_weights", "gaussian_freq_weights", "gaussian_var_weights",
        "gamma_freq_var_weights", "binomial_freq_weights", "binomial_trials_freq_weights",
        "binomial_probit", "binomial_cloglog", "binomial_log", "poisson_identity", "poisson_sqrt", "gamma_identity",
        "gaussian_log", "gaussian_inverse", "negbin_exposure", "negbin_identity",
    ];

    internal static GlmOptions Options(GlmFixture f, Solver solver = Solver.Newton) => new()
    {
        Solver = solver,
        Offset = f.OptionalArray("offset"),
        Exposure = f.OptionalArray("exposure"),
        FreqWeights = f.OptionalArray("freq_weights"),
        VarWeights = f.OptionalArray("var_weights"),
        UseTDistribution = false,
        Alpha = f.Has("alpha") ? f.Number("alpha") : 1.0,
    };

    internal static GlmResult FitFixture(GlmFixture f, Solver solver = Solver.Newton) =>
        Glm.Fit(f.X, f.Y, f.Family, f.Link, Options(f, solver), f.Weights);

    internal static void AssertMatches(GlmFixture f, GlmResult r, double paramsTolerance = 1e-6, double bseTolerance = 1e-5)
    {
        Close.All(f.Array("params"), r.Params, paramsTolerance, 1e-8, $"{f.Name} params");
        Close.All(f.Array("bse"), r.Bse, bseTolerance, 1e-10, $"{f.Name} bse");
        Close.All(f.Array("pvalues"), r.PValues, 1e-4, 1e-12, $"{f.Name} pvalues");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, $"{f.Name} llf");
        Close.Equal(f.Number("llnull"), r.LlNull, 1e-8, 0, $"{f.Name} llnull");
        Close.Equal(f.Number("deviance"), r.Deviance, 1e-7, 1e-9, $"{f.Name} deviance");
        Close.Equal(f.Number("pearson_chi2"), r.PearsonChi2, 1e-7, 1e-9, $"{f.Name} pearson_chi2");
        Close.Equal(f.Number("scale"), r.Scale, 1e-7, 0, $"{f.Name} scale");
        Close.Equal(f.Number("aic"), r.Aic, 1e-8, 0, $"{f.Name} aic");
        Close.Equal(f.Number("bic_llf"), r.BicLlf, 1e-8, 0, $"{f.Name} bic_llf");
        Close.Equal(f.Number("bic_deviance"), r.BicDeviance, 1e-7, 1e-7, $"{f.Name} bic_deviance");
        Assert.Equal(f.Number("nobs"), r.Nobs);
        Assert.Equal(f.Number("df_resid"), r.DfResid, 9);
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
        AssertMatches(f, r);
    }

    [Theory]
    [InlineData("poisson_exposure")]
    [InlineData("binomial_probit")]
    [InlineData("gamma_freq_var_weights")]
    [InlineData("poisson_sqrt")]
    public void Lbfgs_matches_statsmodels(string name)
    {
        var f = GlmFixture.Load(name);
        var r = FitFixture(f, Solver.LBFGS);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        // L-BFGS stops on the gradient: the looser bounds of the other L-BFGS tests.
        AssertMatches(f, r, 1e-5, 1e-4);
    }

    [Theory]
    [InlineData("poisson_exposure")]
    [InlineData("poisson_offset")]
    [InlineData("gamma_log_offset")]
    [InlineData("binomial_offset")]
    [InlineData("binomial_probit")]
    [InlineData("binomial_cloglog")]
    [InlineData("binomial_log")]
    [InlineData("poisson_identity")]
    [InlineData("poisson_sqrt")]
    [InlineData("gamma_identity")]
    [InlineData("gaussian_log")]
    [InlineData("gaussian_inverse")]
    [InlineData("negbin_exposure")]
    [InlineData("negbin_identity")]
    public void Predictions_match_statsmodels_summary_frame(string name)
    {
        var f = GlmFixture.Load(name);
        var r = FitFixture(f);
        var p = r.GetPrediction(f.Matrix("new_x"), 0.05, f.OptionalArray("new_offset"), f.OptionalArray("new_exposure"));
        Close.All(f.Array("pred_mean"), p.Mean, 1e-6, 1e-10, $"{name} mean");
        Close.All(f.Array("pred_mean_se"), p.MeanSe, 1e-5, 1e-10, $"{name} mean_se");
        // statsmodels maps the linear interval's ends through g⁻¹ as they are, so a decreasing link (inverse) gives
        // lower > upper; Degenerate reports the ends in order.
        double[] lo = f.Array("pred_ci_lower"), hi = f.Array("pred_ci_upper");
        Close.All(lo.Zip(hi, Math.Min).ToArray(), p.MeanCiLower, 1e-5, 1e-10, $"{name} mean_ci_lower");
        Close.All(lo.Zip(hi, Math.Max).ToArray(), p.MeanCiUpper, 1e-5, 1e-10, $"{name} mean_ci_upper");
    }
}
