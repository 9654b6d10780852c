using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>Glm.Fit with the native Newton solver against statsmodels 0.13.5 (tests/fixtures/glm).</summary>
public class GlmNewtonTests
{
    /// <summary>Fixtures whose statsmodels model our defaults reproduce.</summary>
    public static TheoryData<string> Fixtures => new()
    {
        "ols", "logit", "glm_binomial", "spector_logit", "mnlogit", "poisson", "gamma_log", "gamma_inverse", "binomial_counts",
    };

    internal static GlmResult FitFixture(GlmFixture f, Solver solver = Solver.Newton, bool? useT = null) =>
        Glm.Fit(f.X, f.Y, f.Family, f.Link,
            new GlmOptions { Solver = solver, FeatureNames = f.FeatureNames, UseTDistribution = useT }, f.Weights);

    internal static void AssertMatches(GlmFixture f, GlmResult r, bool checkNull = true)
    {
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, $"{f.Name} params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 1e-10, $"{f.Name} bse");
        Close.All(f.Array("tvalues"), r.TValues, 1e-5, 1e-8, $"{f.Name} tvalues");
        Close.All(f.Array("pvalues"), r.PValues, 1e-4, 1e-12, $"{f.Name} pvalues");
        var (lo, hi) = r.ConfInt();
        Close.All(f.Array("conf_int_lower"), lo, 1e-5, 1e-8, $"{f.Name} conf_int lower");
        Close.All(f.Array("conf_int_upper"), hi, 1e-5, 1e-8, $"{f.Name} conf_int upper");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, $"{f.Name} llf");
        if (checkNull) Close.Equal(f.Number("llnull"), r.LlNull, 1e-8, 0, $"{f.Name} llnull");
        Close.Equal(f.Number("aic"), r.Aic, 1e-8, 0, $"{f.Name} aic");
        Close.Equal(f.Number("bic_llf"), r.BicLlf, 1e-8, 0, $"{f.Name} bic_llf");
        Assert.Equal(f.Number("nobs"), r.Nobs);
        Assert.Equal(f.Number("df_model"), r.DfModel);
        Assert.Equal(f.Number("df_resid"), r.DfResid);
        Assert.Equal(f.UseT, r.UsesTDistribution);
        if (f.Has("bic_deviance")) Close.Equal(f.Number("bic_deviance"), r.BicDeviance, 1e-7, 1e-9, $"{f.Name} bic_deviance");
        if (f.Has("deviance")) Close.Equal(f.Number("deviance"), r.Deviance, 1e-7, 1e-9, $"{f.Name} deviance");
        if (f.Has("pearson_chi2")) Close.Equal(f.Number("pearson_chi2"), r.PearsonChi2, 1e-7, 1e-9, $"{f.Name} pearson_chi2");
        if (f.Has("scale")) Close.Equal(f.Number("scale"), r.Scale, 1e-7, 0, $"{f.Name} scale");
        if (f.Has("prsquared") && checkNull) Close.Equal(f.Number("prsquared"), r.PseudoRSquared, 1e-7, 1e-10, $"{f.Name} prsquared");
        if (f.Has("rsquared")) Close.Equal(f.Number("rsquared"), r.RSquared, 1e-8, 0, $"{f.Name} rsquared");
        else Assert.True(double.IsNaN(r.RSquared) || f.Family == Family.Gaussian);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Newton_matches_statsmodels(string name)
    {
        var f = GlmFixture.Load(name);
        var r = FitFixture(f);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Assert.Empty(r.Warnings);
        Assert.InRange(r.Iterations, 2, 30);
        AssertMatches(f, r);
    }

    [Fact]
    public void Gaussian_with_z_matches_statsmodels_GLM_Gaussian()
    {
        // statsmodels' GLM(Gaussian) uses z and evaluates the null model at the full model's scale; OLS uses t and
        // the null model's own variance. Params, bse and llf agree; tests and intervals follow the chosen distribution.
        var f = GlmFixture.Load("glm_gaussian");
        var r = FitFixture(f, useT: false);
        AssertMatches(f, r, checkNull: false);
        var y = f.Y;
        var mean = y.Average();
        var ss0 = y.Sum(v => (v - mean) * (v - mean));
        var glmNull = -ss0 / (2 * r.Scale) - y.Length / 2.0 * Math.Log(2 * Math.PI * r.Scale);
        Close.Equal(f.Number("llnull"), glmNull, 1e-10, 0, "GLM Gaussian llnull at the model's scale");
    }

    [Fact]
    public void Two_column_binomial_target_equals_proportions_with_trials()
    {
        var f = GlmFixture.Load("binomial_counts");
        var successes = f.Array("successes");
        var failures = f.Array("failures");
        var y = new double[successes.Length, 2];
        for (var i = 0; i < successes.Length; i++)
        {
            y[i, 0] = successes[i];
            y[i, 1] = failures[i];
        }
        var r = Glm.Fit(f.X, y, Family.Binomial);
        AssertMatches(f, r);
    }

    [Fact]
    public void Spector_uses_the_feature_names_and_a_statsmodels_like_summary()
    {
        var f = GlmFixture.Load("spector_logit");
        var r = FitFixture(f);
        Assert.Equal(["const", "GPA", "TUCE", "PSI"], r.ParamNames);
        var text = r.Summary("GRADE");
        Assert.Contains("Dep. Variable:", text);
        Assert.Contains("GRADE", text);
        Assert.Contains("P>|z|", text);
        Assert.Contains("[0.025", text);
        var gpaLine = text.Split('\n').Single(l => l.StartsWith("GPA", StringComparison.Ordinal));
        Assert.Contains(r.Params[1].ToString("F4", System.Globalization.CultureInfo.InvariantCulture), gpaLine);
    }

    [Fact]
    public void Multinomial_names_each_class_block_against_the_reference()
    {
        var f = GlmFixture.Load("mnlogit");
        var r = Glm.Fit(f.X, f.Y, Family.Multinomial, options: new GlmOptions { ClassNames = ["a", "b", "c", "d"] });
        Assert.Equal(12, r.Params.Count);
        Assert.Equal("b:const", r.ParamNames[0]);
        Assert.Equal("d:x3", r.ParamNames[11]);
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, "mnlogit params with class names");
    }
}
