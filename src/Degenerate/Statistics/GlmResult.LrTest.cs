using System.Globalization;
using MathNet.Numerics;

namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    /// <summary>
    /// Likelihood-ratio test of <paramref name="restricted"/>, a fit of the same response nested in this one (some
    /// coefficients removed or constrained), as statsmodels' <c>compare_lr_test(restricted)</c>: statistic
    /// −2·(llf_r − llf), degrees of freedom df_resid_r − df_resid, p-value from χ². statsmodels defines it for
    /// OLS; the same definition is applied to every family. Nesting itself cannot be checked: the caller vouches for it.
    /// </summary>
    /// <exception cref="ArgumentException">The fits differ in family, link or number of observations, or the
    /// restricted fit has no fewer coefficients than this one.</exception>
    public LrTestResult CompareLrTest(GlmResult restricted)
    {
        ArgumentNullException.ThrowIfNull(restricted);
        if (restricted.Family != Family || restricted.Link != Link)
            throw new ArgumentException(
                $"the restricted fit is {restricted.Family}/{restricted.Link} but this fit is {Family}/{Link}; a likelihood-ratio test compares fits of one model family",
                nameof(restricted));
        if (restricted.Nobs != Nobs)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"the restricted fit has {restricted.Nobs} observations but this fit has {Nobs}; both must be fitted to the same rows"), nameof(restricted));
        var dfDiff = restricted.DfResid - DfResid;
        if (!(dfDiff > 0))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"the restricted fit has {restricted.Params.Count} coefficients and this fit {Params.Count}; call CompareLrTest on the larger (full) fit with the smaller one as argument"),
                nameof(restricted));
        var statistic = -2 * (restricted.Llf - Llf);
        // Upper tail through the regularized incomplete gamma function, accurate far below 1e-16.
        var pValue = double.IsNaN(statistic) ? double.NaN : SpecialFunctions.GammaUpperRegularized(dfDiff / 2, Math.Max(statistic, 0) / 2);
        var warning = CovType != CovType.NonRobust || restricted.CovType != CovType.NonRobust
            ? "The likelihood-ratio test ignores the robust covariance of a fit and is likely invalid with it (statsmodels warns the same)."
            : null;
        return new LrTestResult(statistic, pValue, dfDiff, warning);
    }
}
