using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// A design that carries its own constant column, against statsmodels' OLS with k_constant = 1
/// (tests/fixtures/glm/ols_own_constant.json): the column is the intercept for df_model, R², adjusted R² and F.
/// </summary>
public class GlmConstantTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_constant_column_of_x_is_the_intercept(bool fitIntercept)
    {
        var f = GlmFixture.Load("ols_own_constant");
        // FitIntercept = true adds no second constant (sm.add_constant's has_constant='skip').
        var r = Glm.Fit(f.X, f.Y, Family.Gaussian, options: new GlmOptions { FitIntercept = fitIntercept });
        Assert.Equal(["x1", "x2", "x3"], r.ParamNames);
        Close.All(f.Array("params"), r.Params, 1e-8, 1e-10, "params");
        Close.All(f.Array("bse"), r.Bse, 1e-7, 1e-10, "bse");
        Assert.Equal(f.Number("df_model"), r.DfModel);
        Assert.Equal(f.Number("df_resid"), r.DfResid);
        Close.Equal(f.Number("rsquared"), r.RSquared, 1e-10, 0, "rsquared");
        Close.Equal(f.Number("rsquared_adj"), r.RSquaredAdj, 1e-10, 0, "rsquared_adj");
        Close.Equal(f.Number("fvalue"), r.FValue, 1e-9, 0, "fvalue");
        Close.Equal(f.Number("f_pvalue"), r.FPValue, 1e-7, 1e-300, "f_pvalue");
        Close.Equal(f.Number("llf"), r.Llf, 1e-10, 0, "llf");
        Assert.DoesNotContain("uncentered", r.Summary());
    }

    [Fact]
    public void Without_a_constant_R2_stays_uncentered()
    {
        var f = GlmFixture.Load("ols_noconst");
        var r = Glm.Fit(f.X, f.Y, Family.Gaussian, options: new GlmOptions { FitIntercept = false });
        Close.Equal(f.Number("rsquared"), r.RSquared, 1e-10, 0, "uncentered rsquared");
        Assert.Equal(f.Number("df_model"), r.DfModel);
    }
}
