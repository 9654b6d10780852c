using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// Issue 14: features multiplied by 1e-12 gave wrong GLM coefficients, even for least squares (statsmodels gets them
/// exactly: multiplying column j by s divides its coefficient and standard error by s and changes nothing else).
/// </summary>
public class GlmScaleInvarianceTests
{
    private static (double[,] X, double[] Y) Data(Family family)
    {
        var rng = new System.Random(21);
        const int n = 200;
        var x = new double[n, 2];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i, 0] = rng.NextDouble() * 2 - 1;
            x[i, 1] = rng.NextDouble() * 2 - 1;
            var eta = 0.3 + 0.8 * x[i, 0] - 0.6 * x[i, 1];
            y[i] = family switch
            {
                Family.Binomial => rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0,
                Family.Poisson => Poisson(rng, Math.Exp(eta)),
                _ => 1 + 2 * x[i, 0] - 3 * x[i, 1] + (rng.NextDouble() - 0.5),
            };
        }
        return (x, y);
    }

    private static int Poisson(System.Random rng, double mean)
    {
        var (k, p, l) = (0, 1.0, Math.Exp(-mean));
        while ((p *= rng.NextDouble()) > l) k++;
        return k;
    }

    [Theory]
    [InlineData(Family.Gaussian, 1e-12, 1.0)]
    [InlineData(Family.Gaussian, 1e12, 1e-12)]
    [InlineData(Family.Binomial, 1e-12, 1e12)]
    [InlineData(Family.Poisson, 1e12, 3.0)]
    [InlineData(Family.Gaussian, 1e-7, 1e7)]
    public void CoefficientsScaleInverselyWithTheirColumn(Family family, double s0, double s1)
    {
        var (x, y) = Data(family);
        var reference = Glm.Fit(x, y, family);
        var scaled = new double[x.GetLength(0), 2];
        for (var i = 0; i < x.GetLength(0); i++) (scaled[i, 0], scaled[i, 1]) = (x[i, 0] * s0, x[i, 1] * s1);
        var result = Glm.Fit(scaled, y, family);
        double[] factor = [1, s0, s1];
        Assert.True(result.Converged);
        for (var j = 0; j < 3; j++)
        {
            Close.Equal(reference.Params[j], result.Params[j] * factor[j], 1e-8, 0, $"params[{j}]");
            Close.Equal(reference.Bse[j], result.Bse[j] * factor[j], 1e-8, 0, $"bse[{j}]");
            Close.Equal(reference.PValues[j], result.PValues[j], 1e-6, 0, $"pvalues[{j}]");
        }
        Close.Equal(reference.Llf, result.Llf, 1e-10, 0, "llf");
        // Robust covariances and predictions use the original columns too.
        var hc = result.GetRobustCovResults(CovType.HC1);
        var hcRef = reference.GetRobustCovResults(CovType.HC1);
        for (var j = 0; j < 3; j++) Close.Equal(hcRef.Bse[j], hc.Bse[j] * factor[j], 1e-8, 0, $"HC1 bse[{j}]");
        var prediction = result.GetPrediction(new double[,] { { 0.5 * s0, -0.25 * s1 } });
        var predictionRef = reference.GetPrediction(new double[,] { { 0.5, -0.25 } });
        Close.Equal(predictionRef.Mean[0], prediction.Mean[0], 1e-9, 0, "predicted mean");
    }
}
