namespace Degenerate.Statistics;

/// <summary>The response distribution of a generalized linear model (statsmodels' <c>families</c>).</summary>
public enum Family
{
    /// <summary>Normal response; with the identity link this is ordinary least squares.</summary>
    Gaussian,

    /// <summary>0/1 outcomes, or proportions of successes out of a number of trials (logistic regression).</summary>
    Binomial,

    /// <summary>Counts (Poisson regression).</summary>
    Poisson,

    /// <summary>Positive continuous response with constant coefficient of variation.</summary>
    Gamma,

    /// <summary>One of k classes (multinomial logit, the first class the reference, as statsmodels' MNLogit).</summary>
    Multinomial,

    /// <summary>
    /// Overdispersed counts, V(μ) = μ + αμ² with a given α (<see cref="GlmOptions.Alpha"/>, default 1): statsmodels'
    /// <c>families.NegativeBinomial(alpha)</c> GLM. <see cref="NegativeBinomialRegression"/> estimates α (NB2).
    /// </summary>
    NegativeBinomial,

    /// <summary>
    /// Tweedie, V(μ) = μᵖ with a given variance power p (<see cref="GlmOptions.VarPower"/>, default 1, as statsmodels;
    /// 1 &lt; p &lt; 2 is the compound Poisson–gamma for non-negative data with exact zeros): statsmodels'
    /// <c>families.Tweedie(var_power=p)</c>, log link by default, scale estimated. Its log-likelihood is not computed
    /// (NaN, as statsmodels 0.13.5 reports it), so are AIC, BIC and the LR statistics.
    /// </summary>
    Tweedie,
}
