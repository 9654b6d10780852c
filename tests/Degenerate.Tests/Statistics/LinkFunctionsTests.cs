using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

public class LinkFunctionsTests
{
    // The cloglog mean 1 − exp(−e^η) equals e^η·(1 − e^η/2 + ...) for very negative η; computed as written it rounds
    // to 0 below η ≈ −37 (and then log μ is −∞ in the likelihood). Reference values: e^η − e^{2η}/2, exact to 1e-16 here.
    [Theory]
    [InlineData(-40.0)]
    [InlineData(-60.0)]
    [InlineData(-20.0)]
    public void CLogLogMeanStaysAccurateForVeryNegativeEta(double eta)
    {
        var mu = LinkFunctions.Mean(Link.CLogLog, eta);
        var expected = Math.Exp(eta) - Math.Exp(2 * eta) / 2;
        Assert.InRange(Math.Abs(mu - expected) / expected, 0, 1e-14);
        Assert.InRange(Math.Abs(LinkFunctions.Value(Link.CLogLog, mu) - eta), 0, 1e-12);
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-10)]
    [InlineData(-1e-8)]
    [InlineData(0.5)]
    [InlineData(-30.0)]
    [InlineData(700.0)]
    public void ExpM1IsAccurate(double x)
    {
        // Reference: the Taylor series for small |x|, exp(x) − 1 where no cancellation occurs.
        var expected = Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;
        Assert.InRange(Math.Abs(LinkFunctions.ExpM1(x) - expected), 0, 1e-15 * Math.Abs(expected));
    }
}
