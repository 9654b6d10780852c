using MathNet.Numerics.Distributions;

namespace Degenerate.Statistics;

/// <summary>
/// Individual tests of linear combinations Rβ = q, one per row of R (statsmodels' <c>t_test</c> and its
/// <c>ContrastResults</c>). Made by <see cref="GlmResult.TTest(double[,], double[])"/>.
/// </summary>
public sealed class TTestResult
{
    internal TTestResult() { }

    /// <summary>Rβ, each combination's estimate (statsmodels' <c>effect</c>).</summary>
    public IReadOnlyList<double> Effect { get; internal init; } = [];

    /// <summary>Standard error of each combination, √diag(R·CovParams·Rᵀ) (<c>sd</c>).</summary>
    public IReadOnlyList<double> Sd { get; internal init; } = [];

    /// <summary>(Rβ − q)/sd (<c>statistic</c>, <c>tvalue</c>).</summary>
    public IReadOnlyList<double> Statistic { get; internal init; } = [];

    /// <summary>Two-sided p-values (<c>pvalue</c>).</summary>
    public IReadOnlyList<double> PValue { get; internal init; } = [];

    /// <summary>The hypothesized values q.</summary>
    public IReadOnlyList<double> Q { get; internal init; } = [];

    /// <summary>Degrees of freedom of the t distribution (the result's <see cref="GlmResult.DfResidInference"/>); NaN for the normal.</summary>
    public double DfDenom { get; internal init; } = double.NaN;

    /// <summary>"t" or "norm", as statsmodels' <c>distribution</c>.</summary>
    public string Distribution { get; internal init; } = "norm";

    /// <summary>Confidence intervals for the effects at level 1 − <paramref name="alpha"/> (statsmodels' <c>conf_int(alpha)</c>).</summary>
    public (double[] Lower, double[] Upper) ConfInt(double alpha = 0.05)
    {
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1)");
        var q = Distribution == "t" ? StudentT.InvCDF(0, 1, DfDenom, 1 - alpha / 2) : Normal.InvCDF(0, 1, 1 - alpha / 2);
        var lower = new double[Effect.Count];
        var upper = new double[Effect.Count];
        for (var i = 0; i < Effect.Count; i++)
        {
            lower[i] = Effect[i] - q * Sd[i];
            upper[i] = Effect[i] + q * Sd[i];
        }
        return (lower, upper);
    }
}
