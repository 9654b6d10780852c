using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>Ill-conditioned but full-rank designs, fitted as statsmodels fits them (tests/fixtures/glm/longley.json).</summary>
public class GlmConditioningTests
{
    // Newton only: L-BFGS's absolute gradient tolerance (1e-10 on the mean log-likelihood) sits below the rounding
    // floor of Longley's objective (residual variance ~1e5) on one engine or the other.
    [Theory]
    [InlineData(Solver.Newton)]
    public void Longley_converges_to_statsmodels_OLS(Solver solver)
    {
        var f = GlmFixture.Load("longley");
        var r = Glm.Fit(f.X, f.Y, Family.Gaussian, options: new GlmOptions { Solver = solver, FeatureNames = f.FeatureNames });
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, "longley params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 1e-10, "longley bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, "longley llf");
        Close.Equal(f.Number("condition_number"), r.ConditionNumber, 1e-6, 0, "condition number");
    }

    [Fact]
    public void Lbfgs_is_invariant_to_column_scales()
    {
        // Issue 14: columns multiplied by 1e-6 and 1e6 give coefficients divided by the same factors.
        var f = GlmFixture.Load("poisson");
        double[] factors = [1e-6, 1e6];
        var x = f.X;
        for (var i = 0; i < x.GetLength(0); i++)
            for (var j = 0; j < 2; j++) x[i, j] *= factors[j];
        var r = Glm.Fit(x, f.Y, Family.Poisson, options: new GlmOptions { Solver = Solver.LBFGS });
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        var expected = f.Array("params");
        Close.Equal(expected[0], r.Params[0], 1e-5, 1e-7, "const");
        for (var j = 0; j < 2; j++) Close.Equal(expected[j + 1] / factors[j], r.Params[j + 1], 1e-5, 0, $"x{j + 1}");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, "llf");
    }
}
