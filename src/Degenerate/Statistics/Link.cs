namespace Degenerate.Statistics;

/// <summary>
/// The link g with g(μ) = η = Xβ (+ offset); the matching output activation of a Dense layer is g⁻¹. Which links a
/// family takes follows statsmodels 0.13 (see docs/glm.md).
/// </summary>
public enum Link
{
    /// <summary>μ = η (no activation).</summary>
    Identity,

    /// <summary>μ = 1 / (1 + e^−η) (sigmoid; softmax for the multinomial family).</summary>
    Logit,

    /// <summary>μ = e^η (exponential activation).</summary>
    Log,

    /// <summary>μ = 1/η (the "inverse" activation): the Gamma family's canonical link, up to sign.</summary>
    Inverse,

    /// <summary>μ = Φ(η), the standard normal CDF (the "probit" activation); Binomial only.</summary>
    Probit,

    /// <summary>μ = 1 − exp(−e^η) (the "cloglog" activation), the complementary log-log link; Binomial only.</summary>
    CLogLog,

    /// <summary>μ = η² (g(μ) = √μ); Poisson only, as statsmodels.</summary>
    Sqrt,
}
