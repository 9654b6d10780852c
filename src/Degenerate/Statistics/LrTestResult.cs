namespace Degenerate.Statistics;

/// <summary>
/// A likelihood-ratio test of a restricted fit against the full one (<see cref="GlmResult.CompareLrTest"/>;
/// statsmodels' <c>compare_lr_test</c>, which returns (lrstat, lr_pvalue, lrdf)).
/// </summary>
public sealed class LrTestResult
{
    internal LrTestResult(double statistic, double pValue, double dfDiff, string? warning)
    {
        Statistic = statistic;
        PValue = pValue;
        DfDiff = dfDiff;
        Warning = warning;
    }

    /// <summary>−2·(llf_restricted − llf_full) (statsmodels' <c>lrstat</c>).</summary>
    public double Statistic { get; }

    /// <summary>P(χ²(<see cref="DfDiff"/>) ≥ <see cref="Statistic"/>) (<c>lr_pvalue</c>).</summary>
    public double PValue { get; }

    /// <summary>df_resid of the restricted fit minus df_resid of the full one: the number of restrictions (<c>lrdf</c>).</summary>
    public double DfDiff { get; }

    /// <summary>Set when either fit has a robust covariance: the test ignores it (statsmodels warns the same); else null.</summary>
    public string? Warning { get; }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant(
        $"<Likelihood ratio test: chi2={Statistic:G6}, p={PValue:G4}, df_diff={DfDiff}>");
}
