namespace Degenerate.Tests.Statistics;

/// <summary>Relative-with-absolute-floor comparisons against reference numbers, with messages naming the quantity.</summary>
public static class Close
{
    /// <summary>|actual − expected| ≤ max(relative·|expected|, absolute).</summary>
    public static void Equal(double expected, double actual, double relative, double absolute, string what)
    {
        var bound = Math.Max(relative * Math.Abs(expected), absolute);
        Assert.True(Math.Abs(actual - expected) <= bound,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):G3} > {bound:G3})");
    }

    /// <summary>Element-wise <see cref="Equal(double, double, double, double, string)"/>.</summary>
    public static void All(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double relative, double absolute, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) Equal(expected[i], actual[i], relative, absolute, $"{what}[{i}]");
    }
}
