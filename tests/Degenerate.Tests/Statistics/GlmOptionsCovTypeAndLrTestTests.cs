using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// GlmOptions.CovType/Groups (statsmodels' fit(cov_type=...)) and CompareLrTest (statsmodels' compare_lr_test)
/// against statsmodels 0.13.5 (tests/fixtures/glm/inference_*.json).
/// </summary>
public class GlmOptionsCovTypeAndLrTestTests
{
    private static double[,] Columns(double[,] x, int[] keep)
    {
        var m = new double[x.GetLength(0), keep.Length];
        for (var i = 0; i < x.GetLength(0); i++)
            for (var j = 0; j < keep.Length; j++) m[i, j] = x[i, keep[j]];
        return m;
    }

    [Theory]
    [InlineData("inference_gaussian", CovType.HC3)]
    [InlineData("inference_gaussian", CovType.HC1)]
    [InlineData("inference_poisson", CovType.HC0)]
    [InlineData("inference_binomial", CovType.HC2)]
    [InlineData("inference_gamma", CovType.HC3)]
    public void Fit_with_a_cov_type_option_equals_statsmodels_fit_with_cov_type(string name, CovType covType)
    {
        var f = GlmFixture.Load(name);
        // OLS.fit(cov_type=...) and GLM.fit(cov_type=...) both use z unless use_t is given.
        var r = Glm.Fit(f.X, f.Y, f.Family, f.Link, new GlmOptions { Tolerance = 1e-12, CovType = covType });
        Assert.Equal(covType, r.CovType);
        Assert.False(r.UsesTDistribution);
        GlmRobustCovarianceTests.AssertBlock(f.Section(covType.ToString()), r);
    }

    [Theory]
    [InlineData("inference_gaussian", false, "cluster")]
    [InlineData("inference_gaussian", true, "cluster_t")]
    [InlineData("inference_poisson", true, "cluster_t")]
    [InlineData("inference_binomial", false, "cluster")]
    public void Fit_with_cluster_groups_equals_statsmodels(string name, bool useT, string section)
    {
        var f = GlmFixture.Load(name);
        var r = Glm.Fit(f.X, f.Y, f.Family, f.Link, new GlmOptions
        {
            Tolerance = 1e-12, CovType = CovType.Cluster, Groups = f.Labels("groups"), UseTDistribution = useT,
        });
        GlmRobustCovarianceTests.AssertBlock(f.Section(section), r);
        Assert.Contains("cluster", r.Summary());
    }

    [Fact]
    public void Cluster_corrections_can_be_switched_off_and_groups_may_be_boxed_numbers()
    {
        var f = GlmFixture.Load("inference_gaussian");
        var firmIds = f.Labels("groups").Select(s => (object)s.GetHashCode()).ToArray();
        var r = Glm.Fit(f.X, f.Y, f.Family, f.Link, new GlmOptions
        {
            Tolerance = 1e-12, CovType = CovType.Cluster, Groups = firmIds, UseTDistribution = true,
            ClusterUseCorrection = false, ClusterDfCorrection = false,
        });
        GlmRobustCovarianceTests.AssertBlock(f.Section("cluster_nocorrection_t"), r);
    }

    [Fact]
    public void From_model_carries_the_cov_type_options()
    {
        var f = GlmFixture.Load("inference_poisson");
        using var model = new Degenerate.Models.Sequential(new Degenerate.Layers.Dense(1, "exponential", inputDim: 2,
            kernelInitializer: new Degenerate.Initializers.Zeros())) { Device = Degenerate.Tensors.Device.CPU };
        model.Compile(new Degenerate.Optimizers.Newton(), "poisson");
        model.Fit(f.X, f.Y, epochs: 30, verbose: 0);
        var r = Glm.FromModel(model, f.X, f.Y, new GlmOptions { CovType = CovType.Cluster, Groups = f.Labels("groups") });
        Assert.Equal(CovType.Cluster, r.CovType);
        GlmRobustCovarianceTests.AssertBlock(f.Section("cluster"), r);
    }

    [Fact]
    public void Bad_cov_type_options_name_what_is_wrong()
    {
        var f = GlmFixture.Load("inference_poisson");
        var e = Assert.Throws<ArgumentException>(() => Glm.Fit(f.X, f.Y, f.Family, f.Link, new GlmOptions { CovType = CovType.Cluster }));
        Assert.Contains("Groups", e.Message);
        e = Assert.Throws<ArgumentException>(() => Glm.Fit(f.X, f.Y, f.Family, f.Link,
            new GlmOptions { CovType = CovType.Cluster, Groups = f.Labels("groups").Take(7).ToArray() }));
        Assert.Contains("7 labels", e.Message);
        Assert.Contains("300 rows", e.Message);
        e = Assert.Throws<ArgumentException>(() => Glm.Fit(f.X, f.Y, f.Family, f.Link,
            new GlmOptions { CovType = CovType.HC1, Groups = f.Labels("groups") }));
        Assert.Contains("only with CovType = Cluster", e.Message);
        double[,] x = { { 0.1 }, { 0.5 }, { -0.3 }, { 1.2 }, { -1 }, { 0.7 } };
        Assert.Throws<NotSupportedException>(() => Glm.Fit(x, [0, 1, 2, 0, 1, 2], Family.Multinomial, null, new GlmOptions { CovType = CovType.HC0 }));
    }

    [Theory]
    [InlineData("inference_gaussian", "lr_value_only")]
    [InlineData("inference_poisson", "lr_x1_only")]
    [InlineData("inference_binomial", "lr_x1_only")]
    public void Likelihood_ratio_test_of_nested_fits_equals_statsmodels(string name, string section)
    {
        var f = GlmFixture.Load(name);
        var lr = f.Section(section);
        var options = new GlmOptions { Tolerance = 1e-12 };
        var full = Glm.Fit(f.X, f.Y, f.Family, f.Link, options);
        var keep = lr.Array("keep_columns").Select(v => (int)v).ToArray();
        var restricted = Glm.Fit(Columns(f.X, keep), f.Y, f.Family, f.Link, options);
        Close.Equal(lr.Number("llf_restricted"), restricted.Llf, 1e-10, 0, "llf_restricted");
        var t = full.CompareLrTest(restricted);
        Close.Equal(lr.Number("statistic"), t.Statistic, 1e-7, 1e-9, "statistic");
        Close.Equal(lr.Number("pvalue"), t.PValue, 1e-6, 1e-300, "pvalue");
        Assert.Equal(lr.Number("df_diff"), t.DfDiff);
        Assert.Null(t.Warning);
        Assert.NotNull(full.GetRobustCovResults(CovType.HC0).CompareLrTest(restricted).Warning);
    }

    [Fact]
    public void Likelihood_ratio_test_refuses_fits_that_cannot_be_nested()
    {
        var f = GlmFixture.Load("inference_poisson");
        var full = Glm.Fit(f.X, f.Y, f.Family, f.Link);
        var restricted = Glm.Fit(Columns(f.X, [0]), f.Y, f.Family, f.Link);
        var e = Assert.Throws<ArgumentException>(() => restricted.CompareLrTest(full));
        Assert.Contains("larger (full) fit", e.Message);
        Assert.Equal("restricted", e.ParamName);
        var half = f.Y.Length / 2;
        var x = new double[half, 2];
        for (var i = 0; i < half; i++) (x[i, 0], x[i, 1]) = (f.X[i, 0], f.X[i, 1]);
        var fewer = Glm.Fit(Columns(x, [0]), f.Y.Take(half).ToArray(), f.Family, f.Link);
        Assert.Contains("observations", Assert.Throws<ArgumentException>(() => full.CompareLrTest(fewer)).Message);
        var gaussian = Glm.Fit(Columns(f.X, [0]), f.Y, Family.Gaussian);
        Assert.Contains("Poisson/Log", Assert.Throws<ArgumentException>(() => full.CompareLrTest(gaussian)).Message);
    }
}
