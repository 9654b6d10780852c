namespace Degenerate.Statistics;

/// <summary>The link g with g(μ) = Xβ; the matching output activation of a Dense layer is g⁻¹.</summary>
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
}
