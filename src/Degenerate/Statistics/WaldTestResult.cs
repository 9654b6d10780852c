namespace Degenerate.Statistics;

/// <summary>
/// The joint Wald test of the linear restrictions Rβ = q (statsmodels' <c>f_test</c> and <c>wald_test</c>):
/// W = (Rβ − q)ᵀ (R·CovParams·Rᵀ)⁻¹ (Rβ − q), reported as F = W/J against F(J, df_denom) or as W against χ²(J).
/// Made by <see cref="GlmResult.FTest(double[,], double[])"/> and <see cref="GlmResult.WaldTest(double[,], double[], bool?)"/>.
/// </summary>
public sealed class WaldTestResult
{
    internal WaldTestResult() { }

    /// <summary>F = W/J ("F"), or W ("chi2") (statsmodels' <c>statistic</c>, <c>fvalue</c>).</summary>
    public double Statistic { get; internal init; }

    /// <summary>The upper-tail probability of <see cref="Statistic"/> (<c>pvalue</c>).</summary>
    public double PValue { get; internal init; }

    /// <summary>J, the number of restrictions (<c>df_num</c>).</summary>
    public double DfNum { get; internal init; }

    /// <summary>
    /// Denominator degrees of freedom of the F distribution (the result's <see cref="GlmResult.DfResidInference"/>);
    /// NaN for χ² (where statsmodels stores J in <c>df_denom</c>).
    /// </summary>
    public double DfDenom { get; internal init; } = double.NaN;

    /// <summary>"F" or "chi2", as statsmodels' <c>distribution</c>.</summary>
    public string Distribution { get; internal init; } = "F";
}
