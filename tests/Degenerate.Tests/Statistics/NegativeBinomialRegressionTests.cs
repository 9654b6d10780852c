using System.Text.Json;
using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// The discrete NB2 model (alpha by maximum likelihood) against statsmodels 0.13.5's
/// <c>NegativeBinomial(loglike_method="nb2")</c>, fitted to convergence (tests/fixtures/glm/make_negbin_fixtures.py):
/// randhie (statsmodels' bundled RAND data, every 10th row), generated counts with exposure, and an offset without a
/// constant, counts above 1000 and non-integer responses (the digamma/trigamma path rather than exact sums). Params 1e-6, bse 1e-5, llf/llnull/aic/bic 1e-8 relative.
/// </summary>
public class NegativeBinomialRegressionTests
{
    public static TheoryData<string> Names => ["nb2_randhie", "nb2_exposure", "nb2_offset_noconst", "nb2_large_counts", "nb2_noninteger"];

    private static GlmResult FitFixture(GlmFixture f) => NegativeBinomialRegression.Fit(f.X, f.Y, new GlmOptions
    {
        FitIntercept = f.Flag("fit_intercept"),
        Exposure = f.OptionalArray("exposure"),
        Offset = f.OptionalArray("offset"),
    });

    [Theory]
    [MemberData(nameof(Names))]
    public void Nb2_matches_statsmodels(string name)
    {
        var f = GlmFixture.Load(name);
        var r = FitFixture(f);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Assert.Empty(r.Warnings);
        Assert.True(r.AlphaEstimated);
        Assert.Equal("alpha", r.ParamNames[^1]);
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, $"{name} params");
        Close.Equal(f.Array("params")[^1], r.Alpha, 1e-6, 0, $"{name} alpha");
        // alpha's standard error is statsmodels': from the Hessian in alpha (not log alpha) at the estimates.
        Close.All(f.Array("bse"), r.Bse, 1e-5, 1e-10, $"{name} bse");
        Close.Equal(f.Number("lnalpha_std_err"), r.Bse[^1] / r.Params[^1], 1e-5, 0, $"{name} lnalpha_std_err");
        Close.All(f.Array("tvalues"), r.TValues, 1e-5, 1e-10, $"{name} tvalues");
        Close.All(f.Array("pvalues"), r.PValues, 1e-4, 1e-12, $"{name} pvalues");
        var ci = f.Matrix("conf_int");
        var (lo, hi) = r.ConfInt();
        for (var i = 0; i < lo.Length; i++)
        {
            Close.Equal(ci[i, 0], lo[i], 1e-5, 1e-9, $"{name} conf_int lower[{i}]");
            Close.Equal(ci[i, 1], hi[i], 1e-5, 1e-9, $"{name} conf_int upper[{i}]");
        }
        var cov = f.Matrix("cov_params");
        for (var i = 0; i < lo.Length; i++)
            for (var j = 0; j < lo.Length; j++)
                Close.Equal(cov[i, j], r.CovParams[i, j], 1e-5, 1e-12, $"{name} cov_params[{i},{j}]");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, $"{name} llf");
        // The null model (a constant and its own alpha) to convergence; statsmodels' own llnull agrees to 1e-8.
        Close.Equal(f.Number("llnull"), r.LlNull, 1e-8, 0, $"{name} llnull");
        Close.Equal(f.Number("llnull_statsmodels"), r.LlNull, 1e-8, 0, $"{name} llnull (statsmodels)");
        Close.Equal(f.Number("aic"), r.Aic, 1e-8, 0, $"{name} aic");
        Close.Equal(f.Number("bic"), r.Bic, 1e-8, 0, $"{name} bic");
        Close.Equal(f.Number("prsquared"), r.PseudoRSquared, 1e-7, 0, $"{name} prsquared");
        Close.Equal(f.Number("llr"), r.Llr, 1e-7, 0, $"{name} llr");
        Close.Equal(f.Number("llr_pvalue"), r.LlrPValue, 1e-5, 1e-300, $"{name} llr_pvalue");
        Assert.Equal(f.Number("nobs"), r.Nobs);
        Assert.Equal(f.Number("df_model"), r.DfModel);
        Assert.Equal(f.Number("df_resid"), r.DfResid);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Summary_equals_statsmodels_line_by_line(string name)
    {
        var f = GlmFixture.Load(name);
        var names = f.Has("feature_names") ? f.Labels("feature_names") : null;
        var r = NegativeBinomialRegression.Fit(f.X, f.Y, new GlmOptions
        {
            FitIntercept = f.Flag("fit_intercept"), Exposure = f.OptionalArray("exposure"), Offset = f.OptionalArray("offset"),
            FeatureNames = names?.Skip(1).ToArray(),
        });
        var expected = f.Text("summary").Split('\n');
        var actual = r.Summary("y").TrimEnd('\n').Split('\n');
        Assert.True(expected.Length == actual.Length, $"{name}: {expected.Length} lines expected, got:\n{string.Join('\n', actual)}");
        for (var i = 0; i < expected.Length; i++)
        {
            var (e, a) = expected[i].StartsWith("Date:", StringComparison.Ordinal) || expected[i].StartsWith("Time:", StringComparison.Ordinal)
                ? (expected[i][39..], actual[i].Length >= 39 ? actual[i][39..] : actual[i])
                : (expected[i], actual[i]);
            Assert.True(e == a, $"{name} line {i}:\nstatsmodels: '{expected[i]}'\nDegenerate:  '{actual[i]}'");
        }
    }

    [Theory]
    [InlineData("nb2_randhie")]
    [InlineData("nb2_exposure")]
    public void Predicted_means_match_statsmodels(string name)
    {
        var f = GlmFixture.Load(name);
        var r = FitFixture(f);
        var p = r.GetPrediction(f.Matrix("new_x"), exposure: f.OptionalArray("new_exposure"));
        Close.All(f.Array("pred_mean"), p.Mean, 1e-6, 1e-10, $"{name} predicted mean");
    }

    [Fact]
    public void Json_carries_alpha_and_statsmodels_names()
    {
        var f = GlmFixture.Load("nb2_exposure");
        var r = FitFixture(f);
        using var doc = JsonDocument.Parse(r.ToJson());
        var root = doc.RootElement;
        Close.Equal(f.Array("params")[^1], root.GetProperty("alpha").GetDouble(), 1e-6, 0, "json alpha");
        Assert.Equal("alpha", root.GetProperty("param_names").EnumerateArray().Last().GetString());
        Close.Equal(f.Number("aic"), root.GetProperty("aic").GetDouble(), 1e-8, 0, "json aic");
        Assert.Equal(JsonValueKind.Null, root.GetProperty("deviance").ValueKind);
    }

    [Fact]
    public void A_given_alpha_glm_reports_its_alpha_and_is_not_estimated()
    {
        var f = GlmFixture.Load("negbin_exposure");
        var r = Glm.Fit(f.X, f.Y, Family.NegativeBinomial, options: new GlmOptions { Alpha = f.Number("alpha"), Exposure = f.OptionalArray("exposure") });
        Assert.False(r.AlphaEstimated);
        Assert.Equal(f.Number("alpha"), r.Alpha);
        Assert.True(double.IsNaN(Glm.Fit(f.X, f.Y, Family.Poisson).Alpha));
    }

    [Fact]
    public void At_the_estimated_alpha_the_glm_has_the_same_coefficients()
    {
        // The profile: fixing alpha at its MLE, the NB GLM's maximum in beta is NB2's beta.
        var f = GlmFixture.Load("nb2_exposure");
        var nb = FitFixture(f);
        var glm = Glm.Fit(f.X, f.Y, Family.NegativeBinomial, options: new GlmOptions { Alpha = nb.Alpha, Exposure = f.OptionalArray("exposure") });
        Close.All(nb.Params.Take(glm.Params.Count).ToArray(), glm.Params, 1e-7, 1e-9, "beta at the profile");
        Close.Equal(nb.Llf, glm.Llf, 1e-10, 0, "llf at the profile");
    }

    [Fact]
    public void Unsupported_options_and_bad_input_are_refused_by_name()
    {
        var f = GlmFixture.Load("nb2_exposure");
        Assert.Throws<NotSupportedException>(() => NegativeBinomialRegression.Fit(f.X, f.Y, new GlmOptions { FreqWeights = f.Y.Select(_ => 1.0).ToArray() }));
        Assert.Throws<ArgumentException>(() => NegativeBinomialRegression.Fit(f.X, f.Y, new GlmOptions { CovType = CovType.Cluster }));
        Assert.Throws<NotSupportedException>(() => NegativeBinomialRegression.Fit(f.X, f.Y, new GlmOptions { Solver = Solver.LBFGS }));
        var negative = f.Y.ToArray();
        negative[3] = -1;
        var e = Assert.Throws<ArgumentException>(() => NegativeBinomialRegression.Fit(f.X, negative));
        Assert.Contains("y[3]", e.Message);
    }

    [Fact]
    public void Equidispersed_counts_warn_that_alpha_is_at_the_boundary()
    {
        // Poisson counts (no overdispersion): the likelihood rises as alpha falls to 0, so Newton walks log(alpha) down.
        var rng = new System.Random(7);
        var n = 300;
        var x = new double[n, 1];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i, 0] = rng.NextDouble() - 0.5;
            var mu = Math.Exp(0.5 + x[i, 0]);
            // Underdispersed counts: the rounded mean, so the variance is far below the mean.
            y[i] = Math.Round(mu);
        }
        var r = NegativeBinomialRegression.Fit(x, y);
        Assert.False(r.Converged && r.Warnings.Count == 0, "an alpha at the boundary must not pass silently");
        Assert.Contains(r.Warnings, w => w.Contains("alpha", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("HC0")]
    [InlineData("HC1")]
    [InlineData("HC3")]
    [InlineData("cluster")]
    public void Robust_covariances_match_statsmodels_fit_cov_type(string covType)
    {
        // statsmodels' NegativeBinomial results have no cov_HC1..HC3: every HC type is the HC0 sandwich of the (beta,
        // alpha) scores and the alpha-space Hessian; cluster corrects with k counting alpha and uses G - 1 df.
        var f = GlmFixture.Load("nb2_exposure");
        var robust = f.Section("robust");
        var expected = robust.Section(covType);
        var groups = robust.Labels("groups").Cast<object>().ToArray();
        var type = Enum.Parse<CovType>(covType, ignoreCase: true);
        var r = NegativeBinomialRegression.Fit(f.X, f.Y, new GlmOptions
        {
            Exposure = f.OptionalArray("exposure"), CovType = type, Groups = type == CovType.Cluster ? groups : null,
        });
        Assert.Equal(type, r.CovType);
        Assert.Equal(expected.Flag("use_t"), r.UsesTDistribution);
        Close.All(expected.Array("bse"), r.Bse, 1e-5, 1e-10, $"{covType} bse");
        Close.All(expected.Array("pvalues"), r.PValues, 1e-4, 1e-12, $"{covType} pvalues");
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, $"{covType} params unchanged");
        if (type == CovType.Cluster) Assert.Equal(expected.Number("df_resid_inference"), r.DfResidInference);
        // The same from the non-robust result, as get_robustcov_results.
        var later = FitFixture(f);
        var again = type == CovType.Cluster ? later.GetRobustCovResults(CovType.Cluster, groups) : later.GetRobustCovResults(type, useT: false);
        Close.All(expected.Array("bse"), again.Bse, 1e-5, 1e-10, $"{covType} bse via GetRobustCovResults");
    }
}
