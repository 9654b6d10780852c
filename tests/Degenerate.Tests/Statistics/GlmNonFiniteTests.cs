using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// Issue 14: a Gamma fit on y ≈ 1e-300 reported NaN standard errors and log-likelihood while marked converged. A fit
/// whose statistics are not finite is not converged, and its warnings say which figures and why.
/// </summary>
public class GlmNonFiniteTests
{
    [Fact]
    public void AFitWithNonFiniteStatisticsIsNotConverged()
    {
        var rng = new System.Random(11);
        const int n = 40;
        var x = new double[n, 1];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i, 0] = rng.NextDouble();
            y[i] = 1e-300 * (1 + rng.NextDouble());
        }
        var result = Glm.Fit(x, y, Family.Gamma, Link.Log);
        // float64 cannot carry these statistics (the Gamma log-density at 1e-300 underflows): they come out NaN, and the
        // fit must say so instead of reporting success.
        Assert.False(result.Bse.All(double.IsFinite) && double.IsFinite(result.Llf));
        Assert.False(result.Converged);
        Assert.Contains(result.Warnings, w => w.Contains("not finite") && w.Contains("bse"));
    }

    [Fact]
    public void AnOrdinaryGammaFitStaysConvergedWithoutWarnings()
    {
        var rng = new System.Random(5);
        const int n = 60;
        var x = new double[n, 1];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i, 0] = rng.NextDouble();
            y[i] = Math.Exp(0.5 + x[i, 0]) * (0.5 + rng.NextDouble());
        }
        var result = Glm.Fit(x, y, Family.Gamma, Link.Log);
        Assert.True(result.Converged);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("not finite"));
    }
}
