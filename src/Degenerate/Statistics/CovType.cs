namespace Degenerate.Statistics;

/// <summary>
/// How the coefficient covariance is estimated (statsmodels' <c>cov_type</c>); see
/// <see cref="GlmResult.GetRobustCovResults"/>.
/// </summary>
public enum CovType
{
    /// <summary>scale · information⁻¹: the model's variance function is taken as correct (statsmodels' "nonrobust").</summary>
    NonRobust,

    /// <summary>White's heteroscedasticity-robust sandwich, no small-sample correction.</summary>
    HC0,

    /// <summary>HC0 · n/(n − k) (MacKinnon and White 1985) for OLS; HC0 for the other families, as statsmodels' GLM.</summary>
    HC1,

    /// <summary>Each observation's squared score divided by 1 − hᵢ, hᵢ the leverage, for OLS; HC0 for the other families, as statsmodels' GLM.</summary>
    HC2,

    /// <summary>Each observation's squared score divided by (1 − hᵢ)² (a jackknife approximation) for OLS; HC0 for the other families, as statsmodels' GLM.</summary>
    HC3,

    /// <summary>One-way cluster-robust: scores summed within each group before the sandwich.</summary>
    Cluster,
}
