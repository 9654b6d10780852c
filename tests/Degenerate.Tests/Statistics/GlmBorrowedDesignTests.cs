using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// Without an intercept column the CPU design is the caller's pinned array (no copy). The fit must equal the copied
/// design's: an explicit constant column with FitIntercept false against the same data with FitIntercept true.
/// </summary>
public class GlmBorrowedDesignTests
{
    [Fact]
    public void BorrowedDesignGivesTheCopiedDesignsFit()
    {
        var rng = new System.Random(3);
        const int n = 500;
        var withConst = new double[n, 3];
        var plain = new double[n, 2];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            double a = rng.NextDouble() * 2 - 1, b = rng.NextDouble() * 2 - 1;
            withConst[i, 0] = 1;
            withConst[i, 1] = plain[i, 0] = a;
            withConst[i, 2] = plain[i, 1] = b;
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-(0.3 + 1.5 * a - b))) ? 1 : 0;
        }
        var borrowed = Glm.Fit(withConst, y, Family.Binomial, options: new GlmOptions { FitIntercept = false });
        var copied = Glm.Fit(plain, y, Family.Binomial);
        Assert.Equal(copied.Params, borrowed.Params, new Tolerance(1e-12));
        Assert.Equal(copied.Bse, borrowed.Bse, new Tolerance(1e-12));
        Assert.Equal(copied.Iterations, borrowed.Iterations);

        // The caller's array is untouched and unpinned afterwards (it can be written and fitted again).
        Assert.Equal(1.0, withConst[0, 0]);
        withConst[0, 1] += 1e-3;
        var again = Glm.Fit(withConst, y, Family.Binomial, options: new GlmOptions { FitIntercept = false });
        Assert.NotEqual(borrowed.Params[1], again.Params[1]);
    }

    [Fact]
    public void NonFiniteValuesInABorrowedDesignAreStillNamed()
    {
        var x = new double[40, 2];
        var y = new double[40];
        for (var i = 0; i < 40; i++)
        {
            x[i, 0] = 1;
            x[i, 1] = i % 7;
            y[i] = i % 2;
        }
        x[33, 1] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, y, Family.Binomial, options: new GlmOptions { FitIntercept = false }));
        Assert.Contains("row 33, column 1", e.Message);
    }
}
