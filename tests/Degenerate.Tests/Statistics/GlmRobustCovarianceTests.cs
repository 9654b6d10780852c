using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// HC0–HC3 and cluster-robust covariances against statsmodels 0.13.5 (tests/fixtures/glm/inference_*.json, made by
/// make_inference_fixtures.py): OLS on statsmodels' Grunfeld data clustered by firm, Poisson, Binomial and Gamma (log
/// link, where the bread is the observed information) GLMs.
/// </summary>
public class GlmRobustCovarianceTests
{
    internal static GlmResult FitFixture(GlmFixture f, bool? useT = null) =>
        Glm.Fit(f.X, f.Y, f.Family, f.Link, new GlmOptions { Tolerance = 1e-12, UseTDistribution = useT });

    internal static void AssertBlock(GlmFixture expected, GlmResult r)
    {
        Assert.Equal(expected.Flag("use_t"), r.UsesTDistribution);
        Close.Equal(expected.Number("df_resid_inference"), r.DfResidInference, 0, 1e-12, "df_resid_inference");
        Close.All(expected.Array("bse"), r.Bse, 1e-5, 1e-12, $"{expected.Name} bse");
        Close.All(expected.Array("tvalues"), r.TValues, 1e-5, 1e-9, $"{expected.Name} tvalues");
        Close.All(expected.Array("pvalues"), r.PValues, 1e-4, 1e-12, $"{expected.Name} pvalues");
        var cov = expected.Matrix("cov_params");
        for (var i = 0; i < cov.GetLength(0); i++)
            for (var j = 0; j < cov.GetLength(1); j++)
                Close.Equal(cov[i, j], r.CovParams[i, j], 1e-5, 1e-12 * Math.Sqrt(Math.Abs(cov[i, i] * cov[j, j])), $"{expected.Name} cov[{i},{j}]");
        var (lo, hi) = r.ConfInt();
        Close.All(expected.Array("conf_int_lower"), lo, 1e-6, 1e-9, $"{expected.Name} conf_int lower");
        Close.All(expected.Array("conf_int_upper"), hi, 1e-6, 1e-9, $"{expected.Name} conf_int upper");
    }

    [Theory]
    [InlineData(CovType.HC0)]
    [InlineData(CovType.HC1)]
    [InlineData(CovType.HC2)]
    [InlineData(CovType.HC3)]
    public void Ols_heteroscedasticity_robust_covariances_equal_statsmodels(CovType covType)
    {
        var f = GlmFixture.Load("inference_gaussian");
        var fit = FitFixture(f);
        Close.All(f.Array("params"), fit.Params, 1e-6, 1e-9, "params");
        // statsmodels' OLS.fit(cov_type=...) switches to z statistics unless use_t=True.
        var r = fit.GetRobustCovResults(covType, useT: false);
        Assert.Equal(covType, r.CovType);
        AssertBlock(f.Section(covType.ToString()), r);
        Assert.Contains($"Covariance Type:{covType.ToString().PadLeft(37 - 16)}", r.Summary());
        // The original fit is untouched.
        Assert.Equal(CovType.NonRobust, fit.CovType);
        Assert.True(fit.UsesTDistribution);
    }

    [Fact]
    public void Ols_cluster_robust_covariance_by_firm_equals_statsmodels()
    {
        var f = GlmFixture.Load("inference_gaussian");
        var fit = FitFixture(f);
        var firms = f.Labels("groups");
        AssertBlock(f.Section("cluster"), fit.GetRobustCovResults(CovType.Cluster, firms, useT: false));
        // use_t=True: t with groups − 1 = 10 degrees of freedom (df_correction).
        var t = fit.GetRobustCovResults(CovType.Cluster, firms);
        Assert.Equal(11, t.NGroups);  // Grunfeld: 11 firms, 20 years each
        AssertBlock(f.Section("cluster_t"), t);
        AssertBlock(f.Section("cluster_nocorrection_t"),
            fit.GetRobustCovResults(CovType.Cluster, firms, useCorrection: false, dfCorrection: false));
        Assert.Contains("cluster", t.Summary());
        Assert.Contains("\"cov_type\": \"cluster\"", t.ToJson());
    }

    [Fact]
    public void Gaussian_identity_is_ols_so_hc1_to_hc3_keep_their_corrections()
    {
        // statsmodels' GLM(family=Gaussian()).fit(cov_type="HC3") is HC0, but Degenerate reports Gaussian/identity as
        // OLS, and statsmodels' OLS applies the corrections: HC3 here differs from the GLM API's answer.
        var f = GlmFixture.Load("inference_gaussian");
        var fit = FitFixture(f, useT: false);
        var hc0 = fit.GetRobustCovResults(CovType.HC0);
        foreach (var name in new[] { "HC0_glm", "HC1_glm", "HC2_glm", "HC3_glm" })
            Close.All(f.Section(name).Array("bse"), hc0.Bse, 1e-5, 1e-12, name);
        var hc3 = fit.GetRobustCovResults(CovType.HC3);
        Close.All(f.Section("HC3").Array("bse"), hc3.Bse, 1e-5, 1e-12, "HC3");
        Assert.True(Math.Abs(hc3.Bse[1] / hc0.Bse[1] - 1) > 1e-3, "OLS's HC3 must differ from HC0 on Grunfeld");
    }

    [Theory]
    [InlineData("inference_poisson", CovType.HC1)]
    [InlineData("inference_poisson", CovType.HC3)]
    [InlineData("inference_binomial", CovType.HC1)]
    [InlineData("inference_binomial", CovType.HC3)]
    public void Glm_hc_types_equal_statsmodels_discrete_models_too(string name, CovType covType)
    {
        // Logit/Poisson.fit(cov_type=...) give the same sandwich as GLM.fit(cov_type=...): HC0 under the HC name.
        var f = GlmFixture.Load(name);
        var r = FitFixture(f).GetRobustCovResults(covType);
        Assert.Equal(covType, r.CovType);
        AssertBlock(f.Section(covType + "_discrete"), r);
        Close.All(FitFixture(f).GetRobustCovResults(CovType.HC0).Bse, r.Bse, 1e-15, 0, "HC0");
        Assert.Contains($"Covariance Type:{covType.ToString().PadLeft(37 - 16)}", r.Summary());  // statsmodels: label and value in 37
    }

    [Theory]
    [InlineData("inference_poisson", CovType.HC0)]
    [InlineData("inference_poisson", CovType.HC1)]
    [InlineData("inference_poisson", CovType.HC2)]
    [InlineData("inference_poisson", CovType.HC3)]
    [InlineData("inference_binomial", CovType.HC0)]
    [InlineData("inference_binomial", CovType.HC1)]
    [InlineData("inference_binomial", CovType.HC2)]
    [InlineData("inference_binomial", CovType.HC3)]
    [InlineData("inference_gamma", CovType.HC0)]
    [InlineData("inference_gamma", CovType.HC1)]
    [InlineData("inference_gamma", CovType.HC2)]
    [InlineData("inference_gamma", CovType.HC3)]
    public void Glm_heteroscedasticity_robust_covariances_equal_statsmodels_glm(string name, CovType covType)
    {
        var f = GlmFixture.Load(name);
        var fit = FitFixture(f);
        Close.All(f.Array("params"), fit.Params, 1e-6, 1e-9, "params");
        AssertBlock(f.Section(covType.ToString()), fit.GetRobustCovResults(covType));
    }

    [Theory]
    [InlineData("inference_poisson")]
    [InlineData("inference_binomial")]
    [InlineData("inference_gamma")]
    public void Glm_cluster_robust_covariances_equal_statsmodels(string name)
    {
        var f = GlmFixture.Load(name);
        var fit = FitFixture(f);
        var groups = f.Labels("groups");
        AssertBlock(f.Section("cluster"), fit.GetRobustCovResults(CovType.Cluster, groups));
        AssertBlock(f.Section("cluster_t"), fit.GetRobustCovResults(CovType.Cluster, groups, useT: true));
    }

    [Fact]
    public void Back_to_nonrobust_restores_the_model_based_covariance()
    {
        var f = GlmFixture.Load("inference_poisson");
        var fit = FitFixture(f);
        var back = fit.GetRobustCovResults(CovType.HC3).GetRobustCovResults(CovType.NonRobust);
        Assert.Equal(CovType.NonRobust, back.CovType);
        Close.All(fit.Bse, back.Bse, 1e-15, 0, "bse");
    }

    [Fact]
    public void Bad_requests_name_what_is_wrong()
    {
        var f = GlmFixture.Load("inference_poisson");
        var fit = FitFixture(f);
        var groups = f.Labels("groups");
        var e = Assert.Throws<ArgumentException>(() => fit.GetRobustCovResults(CovType.Cluster));
        Assert.Contains("groups", e.Message);
        e = Assert.Throws<ArgumentException>(() => fit.GetRobustCovResults(CovType.Cluster, groups.Take(10).ToArray()));
        Assert.Contains("10 labels", e.Message);
        Assert.Equal("groups", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => fit.GetRobustCovResults(CovType.HC1, groups));
        Assert.Equal("covType", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => fit.GetRobustCovResults(CovType.Cluster, Enumerable.Repeat("a", groups.Length).ToArray()));
        Assert.Contains("at least 2", e.Message);
        double[,] x = { { 0.1 }, { 0.5 }, { -0.3 }, { 1.2 }, { -1 }, { 0.7 } };
        var mn = Glm.Fit(x, [0, 1, 2, 0, 1, 2], Family.Multinomial);
        Assert.Throws<NotSupportedException>(() => mn.GetRobustCovResults(CovType.HC0));
    }
}
