using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>TTest, FTest and WaldTest of Rβ = q against statsmodels' t_test, f_test and wald_test(use_f=False).</summary>
public class GlmWaldTestTests
{
    private static void AssertTests(GlmFixture expected, GlmResult r, bool asText = false)
    {
        var rm = expected.Matrix("R");
        var q = expected.Array("q");
        var text = asText ? expected.Text("text") : null;
        var t = text is null ? r.TTest(rm, q) : r.TTest(text);
        Close.All(expected.Array("t_effect"), t.Effect, 1e-6, 1e-9, $"{expected.Name} effect");
        Close.All(expected.Array("t_sd"), t.Sd, 1e-5, 1e-12, $"{expected.Name} sd");
        Close.All(expected.Array("t_statistic"), t.Statistic, 1e-5, 1e-8, $"{expected.Name} t statistic");
        Close.All(expected.Array("t_pvalue"), t.PValue, 1e-4, 1e-12, $"{expected.Name} t pvalue");
        Assert.Equal(expected.Text("t_distribution"), t.Distribution);
        if (expected.Has("t_df_denom")) Assert.Equal(expected.Number("t_df_denom"), t.DfDenom);
        else Assert.True(double.IsNaN(t.DfDenom));

        var f = text is null ? r.FTest(rm, q) : r.FTest(text);
        Assert.Equal("F", f.Distribution);
        Close.Equal(expected.Number("f_statistic"), f.Statistic, 1e-5, 1e-12, $"{expected.Name} F");
        Close.Equal(expected.Number("f_pvalue"), f.PValue, 1e-4, 1e-300, $"{expected.Name} F pvalue");
        Assert.Equal(expected.Number("f_df_num"), f.DfNum);
        Assert.Equal(expected.Number("f_df_denom"), f.DfDenom);

        var w = text is null ? r.WaldTest(rm, q, useF: false) : r.WaldTest(text, useF: false);
        Assert.Equal("chi2", w.Distribution);
        Close.Equal(expected.Number("chi2_statistic"), w.Statistic, 1e-5, 1e-12, $"{expected.Name} chi2");
        Close.Equal(expected.Number("chi2_pvalue"), w.PValue, 1e-4, 1e-300, $"{expected.Name} chi2 pvalue");
        Assert.Equal(expected.Number("chi2_df"), w.DfNum);
    }

    [Fact]
    public void Ols_tests_with_t_and_F_equal_statsmodels()
    {
        var f = GlmFixture.Load("inference_gaussian");
        var fit = GlmRobustCovarianceTests.FitFixture(f);
        AssertTests(f.Section("tests_ols"), fit);
        // The default WaldTest of an OLS result is the F test, as statsmodels' use_f follows use_t.
        Assert.Equal("F", fit.WaldTest(f.Section("tests_ols").Matrix("R"), f.Section("tests_ols").Array("q")).Distribution);
    }

    [Fact]
    public void Cluster_robust_tests_use_the_robust_covariance_and_groups_minus_one_df()
    {
        var f = GlmFixture.Load("inference_gaussian");
        var cluster = GlmRobustCovarianceTests.FitFixture(f).GetRobustCovResults(CovType.Cluster, f.Labels("groups"));
        AssertTests(f.Section("tests_ols_cluster_t"), cluster);
        var p = GlmFixture.Load("inference_poisson");
        var poisson = GlmRobustCovarianceTests.FitFixture(p).GetRobustCovResults(CovType.Cluster, p.Labels("groups"));
        AssertTests(p.Section("tests_cluster"), poisson);
    }

    [Theory]
    [InlineData("inference_poisson", "tests", null)]
    [InlineData("inference_binomial", "tests", null)]
    [InlineData("inference_binomial", "tests_HC0", CovType.HC0)]
    public void Glm_z_and_chi2_tests_equal_statsmodels(string name, string section, CovType? covType)
    {
        var f = GlmFixture.Load(name);
        var fit = GlmRobustCovarianceTests.FitFixture(f);
        if (covType is { } c) fit = fit.GetRobustCovResults(c);
        AssertTests(f.Section(section), fit);
        Assert.Equal("chi2", fit.WaldTest(f.Section(section).Matrix("R")).Distribution);
    }

    [Theory]
    [InlineData("tests_text")]
    [InlineData("tests_text2")]
    public void Restrictions_written_as_text_equal_statsmodels_string_form(string section)
    {
        var f = GlmFixture.Load("inference_poisson");
        AssertTests(f.Section(section), GlmRobustCovarianceTests.FitFixture(f), asText: true);
    }

    [Fact]
    public void Unreadable_text_restrictions_say_where()
    {
        var fit = GlmRobustCovarianceTests.FitFixture(GlmFixture.Load("inference_poisson"));
        var e = Assert.Throws<ArgumentException>(() => fit.TTest("x1 = x9"));
        Assert.Contains("at 'x9'", e.Message);
        Assert.Equal("restrictions", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => fit.FTest("x1 = x2 = 0"));
        Assert.Contains("'expression = expression'", e.Message);
        e = Assert.Throws<ArgumentException>(() => fit.WaldTest("1 = 0"));
        Assert.Contains("names no coefficient; known: const, x1, x2", e.Message);
        e = Assert.Throws<ArgumentException>(() => fit.TTest("x1 x2"));
        Assert.Contains("expected '+' or '-'", e.Message);
    }

    [Fact]
    public void Bad_restrictions_are_named()
    {
        var f = GlmFixture.Load("inference_poisson");
        var fit = GlmRobustCovarianceTests.FitFixture(f);
        var e = Assert.Throws<ArgumentException>(() => fit.TTest(new double[1, 2]));
        Assert.Contains("expected [J >= 1, 3]", e.Message);
        Assert.Equal("r", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => fit.FTest(new double[,] { { 0, 1, 0 } }, [1, 2]));
        Assert.Equal("q", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => fit.WaldTest(new double[,] { { 0, 1, 0 }, { 0, 2, 0 } }));
        Assert.Contains("linearly dependent", e.Message);
        e = Assert.Throws<ArgumentException>(() => fit.TTest(new double[,] { { 0, double.NaN, 0 } }));
        Assert.Contains("r[0, 1]", e.Message);
        var (lo, hi) = fit.TTest(new double[,] { { 0, 1, 0 } }).ConfInt();
        var (plo, phi) = fit.ConfInt();
        Close.Equal(plo[1], lo[0], 1e-12, 0, "t_test conf_int equals the coefficient's");
        Close.Equal(phi[1], hi[0], 1e-12, 0, "t_test conf_int equals the coefficient's");
    }
}
