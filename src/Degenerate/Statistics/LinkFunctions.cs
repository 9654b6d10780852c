namespace Degenerate.Statistics;

/// <summary>
/// Scalar pieces of a univariate GLM on the host: the inverse link and its derivative, the link's first and second
/// derivatives, and the family's variance function with its derivative (statsmodels' link and variance classes).
/// </summary>
internal static class LinkFunctions
{
    /// <summary>μ = g⁻¹(η).</summary>
    public static double Mean(Link link, double eta) => link switch
    {
        Link.Identity => eta,
        Link.Logit => 1 / (1 + Math.Exp(-eta)),
        Link.Log => Math.Exp(eta),
        Link.Inverse => 1 / eta,
        _ => throw new ArgumentOutOfRangeException(nameof(link), link, "unknown link"),
    };

    /// <summary>dμ/dη at μ (written in μ so that large |η| stays exact for the logit).</summary>
    public static double MeanDerivative(Link link, double mu) => link switch
    {
        Link.Identity => 1,
        Link.Logit => mu * (1 - mu),
        Link.Log => mu,
        Link.Inverse => -mu * mu,
        _ => throw new ArgumentOutOfRangeException(nameof(link), link, "unknown link"),
    };

    /// <summary>g″(μ); g′(μ) is 1 / <see cref="MeanDerivative"/>.</summary>
    public static double SecondDerivative(Link link, double mu) => link switch
    {
        Link.Identity => 0,
        Link.Logit => (2 * mu - 1) / (mu * mu * (1 - mu) * (1 - mu)),
        Link.Log => -1 / (mu * mu),
        Link.Inverse => 2 / (mu * mu * mu),
        _ => throw new ArgumentOutOfRangeException(nameof(link), link, "unknown link"),
    };

    /// <summary>V(μ).</summary>
    public static double Variance(Family family, double mu) => family switch
    {
        Family.Gaussian => 1,
        Family.Binomial => mu * (1 - mu),
        Family.Poisson => mu,
        Family.Gamma => mu * mu,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a univariate family"),
    };

    /// <summary>V′(μ).</summary>
    public static double VarianceDerivative(Family family, double mu) => family switch
    {
        Family.Gaussian => 0,
        Family.Binomial => 1 - 2 * mu,
        Family.Poisson => 1,
        Family.Gamma => 2 * mu,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a univariate family"),
    };
}
