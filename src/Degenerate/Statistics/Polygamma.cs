namespace Degenerate.Statistics;

/// <summary>
/// The digamma ψ(x) = d/dx log Γ(x) and trigamma ψ′(x) functions for x &gt; 0, which the negative binomial score and
/// Hessian need. The recurrences ψ(x) = ψ(x + 1) − 1/x and ψ′(x) = ψ′(x + 1) + 1/x² carry x to at least 10, where the
/// asymptotic (Bernoulli) series is accurate to a few ulps; tested against scipy (tests/fixtures/glm/polygamma.json).
/// </summary>
internal static class Polygamma
{
    private const double Shift = 10;

    /// <summary>ψ(x); NaN for x ≤ 0 or NaN (the negative binomial never evaluates it there).</summary>
    public static double Digamma(double x)
    {
        if (!(x > 0)) return double.NaN;
        if (double.IsPositiveInfinity(x)) return x;
        // Σ 1/(x + k) over the shifted steps, added smallest first.
        var shifted = 0.0;
        var steps = x < Shift ? (int)Math.Ceiling(Shift - x) : 0;
        for (var k = steps - 1; k >= 0; k--) shifted += 1 / (x + k);
        var z = x + steps;
        var inv2 = 1 / (z * z);
        // ψ(z) ~ log z − 1/(2z) − Σ B₂ₖ/(2k z²ᵏ), k = 1..7.
        var series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132
                     - inv2 * (691.0 / 32760 - inv2 * (1.0 / 12)))))));
        return Math.Log(z) - 0.5 / z - series - shifted;
    }

    /// <summary>ψ′(x); NaN for x ≤ 0 or NaN.</summary>
    public static double Trigamma(double x)
    {
        if (!(x > 0)) return double.NaN;
        if (double.IsPositiveInfinity(x)) return 0;
        var shifted = 0.0;
        var steps = x < Shift ? (int)Math.Ceiling(Shift - x) : 0;
        for (var k = steps - 1; k >= 0; k--) shifted += 1 / ((x + k) * (x + k));
        var z = x + steps;
        var inv = 1 / z;
        var inv2 = inv * inv;
        // ψ′(z) ~ 1/z + 1/(2z²) + Σ B₂ₖ/z²ᵏ⁺¹, k = 1..7.
        var series = inv * inv2 * (1.0 / 6 - inv2 * (1.0 / 30 - inv2 * (1.0 / 42 - inv2 * (1.0 / 30 - inv2 * (5.0 / 66
                     - inv2 * (691.0 / 2730 - inv2 * (7.0 / 6)))))));
        return inv + 0.5 * inv2 + series + shifted;
    }
}
