namespace Degenerate.Tests;

/// <summary>Compares doubles within an absolute tolerance, for <c>Assert.Equal</c> on sequences.</summary>
public sealed class Tolerance(double tolerance) : IEqualityComparer<double>
{
    /// <inheritdoc/>
    public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance || x.Equals(y);

    /// <inheritdoc/>
    public int GetHashCode(double obj) => 0;
}
