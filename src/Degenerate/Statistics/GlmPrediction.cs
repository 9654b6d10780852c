namespace Degenerate.Statistics;

/// <summary>
/// Predicted means at new rows with their standard errors and confidence intervals, as statsmodels'
/// <c>GLMResults.get_prediction(exog).summary_frame(alpha)</c>: the interval is computed for the linear predictor
/// η = xβ (η ± q·se(η), se(η)² = xᵀ·CovParams·x) and mapped through the inverse link; the mean's standard error is
/// the delta method's |dμ/dη|·se(η). Made by <see cref="GlmResult.GetPrediction"/>.
/// </summary>
public sealed class GlmPrediction
{
    internal GlmPrediction() { }

    /// <summary>The predicted mean μ = g⁻¹(η) of each row (statsmodels' <c>mean</c>).</summary>
    public IReadOnlyList<double> Mean { get; internal init; } = [];

    /// <summary>Standard error of each predicted mean (<c>mean_se</c>).</summary>
    public IReadOnlyList<double> MeanSe { get; internal init; } = [];

    /// <summary>Lower end of the mean's confidence interval (<c>mean_ci_lower</c>).</summary>
    public IReadOnlyList<double> MeanCiLower { get; internal init; } = [];

    /// <summary>Upper end of the mean's confidence interval (<c>mean_ci_upper</c>).</summary>
    public IReadOnlyList<double> MeanCiUpper { get; internal init; } = [];

    /// <summary>
    /// Lower end of the observation (prediction) interval of a new response at each row, mean ± q·√(se² + scale)
    /// (statsmodels OLS's <c>obs_ci_lower</c>); Gaussian family with identity link only, NaN otherwise.
    /// </summary>
    public IReadOnlyList<double> ObsCiLower { get; internal init; } = [];

    /// <summary>Upper end of the observation interval (<c>obs_ci_upper</c>); Gaussian/identity only, NaN otherwise.</summary>
    public IReadOnlyList<double> ObsCiUpper { get; internal init; } = [];

    /// <summary>The linear predictor η = xβ of each row.</summary>
    public IReadOnlyList<double> LinearPredictor { get; internal init; } = [];

    /// <summary>Standard error of each linear predictor.</summary>
    public IReadOnlyList<double> LinearPredictorSe { get; internal init; } = [];

    /// <summary>The level of the intervals is 1 − Alpha.</summary>
    public double Alpha { get; internal init; }
}
