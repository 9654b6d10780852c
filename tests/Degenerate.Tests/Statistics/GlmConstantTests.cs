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
    public void The_constant_column_is_found_wherever_it_is_and_only_when_every_row_agrees()
    {
        // x2 equals 3 on every row but the last, x3 is 2 throughout: x3 is the design's constant (no "const" is added),
        // and its coefficient is the intercept over 2, as fitting [const, x1, x2] shows.
        var rng = new System.Random(4);
        const int n = 200;
        var x = new double[n, 3];
        var withoutX3 = new double[n, 2];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i, 0] = withoutX3[i, 0] = rng.NextDouble();
            x[i, 1] = withoutX3[i, 1] = i == n - 1 ? 3.5 : 3;
            x[i, 2] = 2;
            y[i] = 1 + 2 * x[i, 0] + 0.5 * x[i, 1] + 0.1 * rng.NextDouble();
        }
        var own = Glm.Fit(x, y, Family.Gaussian);
        Assert.Equal(["x1", "x2", "x3"], own.ParamNames);
        var added = Glm.Fit(withoutX3, y, Family.Gaussian);
        Assert.Equal(["const", "x1", "x2"], added.ParamNames);
        Close.Equal(added.Params[0] / 2, own.Params[2], 1e-10, 1e-12, "x3 as the intercept");
        Close.Equal(added.Params[1], own.Params[0], 1e-10, 1e-12, "x1");

        // The first row breaks x3's constancy: now no column is constant and "const" is added.
        x[0, 2] = 2.5;
        Assert.Equal(["const", "x1", "x2", "x3"], Glm.Fit(x, y, Family.Gaussian).ParamNames);
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
