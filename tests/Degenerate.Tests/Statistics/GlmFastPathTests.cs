using Degenerate.Statistics;
using Degenerate.Tensors;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// The GLM's fast paths change how the MLE is reached, never what it is: the managed host pass (GlmHostPass) equals
/// the tensor-operation pass it replaces on the CPU, and the row-sample warm start (GlmWarmStart) ends at the same
/// coefficients and statistics as Newton from the usual start, in fewer full-data iterations.
/// </summary>
public class GlmFastPathTests
{
    [Theory]
    [InlineData(9)]   // 10 or 9 design columns: a 4-wide last tile, the score sharing a row block, a ragged last 128-row block
    [InlineData(11)]  // 12 or 11: with the intercept the score is a row block of its own
    public void HostPassEqualsTheTensorOperationPass(int c)
    {
        var rng = new System.Random(11);
        const int n = 1000;
        var x = new double[n * c];
        for (var i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
        var w = Enumerable.Range(0, n).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        using var xt = Tensor.FromArray(x, [n, c]);
        using var wt = Tensor.FromArray(w);
        using var beta = Tensor.FromArray(Enumerable.Range(0, c + 1).Select(j => 0.3 - 0.05 * j).ToArray());
        using var inverseBeta = Tensor.FromArray(Enumerable.Range(0, c + 1).Select(j => j == 0 ? 2.0 : 0.01 * j).ToArray());
        foreach (var (family, link, y) in new (Family, Link, double[])[]
        {
            (Family.Gaussian, Link.Identity, Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 3).ToArray()),
            (Family.Binomial, Link.Logit, Enumerable.Range(0, n).Select(_ => (double)rng.Next(2)).ToArray()),
            (Family.Poisson, Link.Log, Enumerable.Range(0, n).Select(_ => (double)rng.Next(5)).ToArray()),
            (Family.Gamma, Link.Log, Enumerable.Range(0, n).Select(_ => 0.5 + rng.NextDouble() * 3).ToArray()),
            (Family.Gamma, Link.Inverse, Enumerable.Range(0, n).Select(_ => 0.5 + rng.NextDouble() * 3).ToArray()),
        })
        {
            using var yt = Tensor.FromArray(y);
            var b = link == Link.Inverse ? inverseBeta : beta;
            foreach (var (intercept, weights) in new[] { (true, wt), (false, (Tensor?)null) })
            {
                if (link == Link.Inverse && !intercept) continue;  // η = xβ changes sign there: outside the inverse link's domain
                foreach (var observed in new[] { false, true })
                {
                    var k = GlmTensorKernels.Instance;
                    var (s1, i1, k1) = k.Information(xt.Handle, intercept, yt.Handle, weights?.Handle, family, link, observed,
                        intercept ? b.Handle : b.Slice(0, 1, c + 1).Handle);
                    GlmTensorKernels.TensorPassOnly = true;
                    try
                    {
                        var (s2, i2, k2) = k.Information(xt.Handle, intercept, yt.Handle, weights?.Handle, family, link, observed,
                            intercept ? b.Handle : b.Slice(0, 1, c + 1).Handle);
                        using Tensor a1 = new(s1), a2 = new(s2), h1 = new(i1), h2 = new(i2);
                        var what = $"{family}/{link} intercept {intercept} observed {observed}";
                        Close.All(a2.ToArray<double>(), a1.ToArray<double>(), 1e-12, 1e-12, $"{what} score");
                        Close.All(h2.ToArray<double>(), h1.ToArray<double>(), 1e-12, 1e-12, $"{what} information");
                        Assert.Equal(k2, k1, Math.Abs(k2) * 1e-12);
                    }
                    finally
                    {
                        GlmTensorKernels.TensorPassOnly = false;
                    }
                }
            }
        }
    }

    // Logistic data above the warm start's threshold; every Stride-th row separable when `separableSample`.
    private static (double[,] X, double[] Y) Logistic(int n, int seed, bool separableSample)
    {
        var rng = new System.Random(seed);
        var x = new double[n, 4];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            double eta = -0.4;
            for (var j = 0; j < 4; j++)
            {
                x[i, j] = rng.NextDouble() * 2 - 1;
                eta += (j - 1.5) * 0.6 * x[i, j];
            }
            y[i] = separableSample && i % GlmWarmStart.Stride == 0 ? (x[i, 0] > 0 ? 1 : 0) : rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
        }
        return (x, y);
    }

    private static GlmResult Fit(double[,] x, double[] y, bool warm)
    {
        GlmWarmStart.Disabled = !warm;
        try
        {
            return Glm.Fit(x, y, Family.Binomial);
        }
        finally
        {
            GlmWarmStart.Disabled = false;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]  // the sample separates: the warm start steps aside, the fit is Newton from zero
    public void WarmStartEndsAtTheSameFit(bool separableSample)
    {
        var (x, y) = Logistic((int)GlmWarmStart.MinRows + 7, 5, separableSample);
        var cold = Fit(x, y, warm: false);
        var warm = Fit(x, y, warm: true);
        Assert.True(cold.Converged && warm.Converged);
        Close.All(cold.Params.ToArray(), warm.Params, 1e-10, 1e-12, "params");
        Close.All(cold.Bse.ToArray(), warm.Bse, 1e-9, 1e-12, "bse");
        Assert.Equal(cold.Llf, warm.Llf, Math.Abs(cold.Llf) * 1e-12);
        Assert.Equal(cold.LlNull, warm.LlNull, Math.Abs(cold.LlNull) * 1e-12);
        if (separableSample) Assert.Equal(cold.Iterations, warm.Iterations);
        else Assert.True(warm.Iterations < cold.Iterations, $"warm {warm.Iterations} vs cold {cold.Iterations} full-data iterations");
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]    // strong effects: fitted probabilities within 1e-8 of 0 or 1 (quasi-separation)
    [InlineData(false, false)]  // no intercept
    public void HostStatisticsEqualTheGeneralLoops(bool extreme, bool intercept)
    {
        var rng = new System.Random(extreme ? 3 : 4);
        const int n = 4003, c = 5;  // a ragged last group of four rows
        var x = new double[n, c];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var eta = 0.3;
            for (var j = 0; j < c; j++)
            {
                x[i, j] = rng.NextDouble() * 2 - 1;
                eta += (extreme ? 4 : 0.8) * (j - 2) * x[i, j];
            }
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
        }
        var options = new GlmOptions { FitIntercept = intercept, MaxIterations = 8 };
        var fast = Glm.Fit(x, y, Family.Binomial, options: options);
        GlmHostStatistics.Disabled = true;
        GlmResult general;
        try
        {
            general = Glm.Fit(x, y, Family.Binomial, options: options);
        }
        finally
        {
            GlmHostStatistics.Disabled = false;
        }
        Close.All(general.Params.ToArray(), fast.Params, 0, 0, "params");  // the same fit: only the statistics' sweep differs
        Close.Equal(general.Llf, fast.Llf, 1e-12, 1e-12, "llf");
        Close.Equal(general.LlNull, fast.LlNull, 1e-12, 1e-12, "llnull");
        Close.Equal(general.Deviance, fast.Deviance, 1e-11, 1e-11, "deviance");
        Close.Equal(general.PearsonChi2, fast.PearsonChi2, 1e-9, 1e-9, "pearson");
        Close.Equal(general.Aic, fast.Aic, 1e-12, 1e-12, "aic");
        Close.Equal(general.PseudoRSquared, fast.PseudoRSquared, 1e-12, 1e-12, "pseudo R²");
        Assert.Equal(general.Warnings, fast.Warnings);
        if (extreme) Assert.Contains(fast.Warnings, w => w.StartsWith("Quasi-complete separation", StringComparison.Ordinal));
    }
}
