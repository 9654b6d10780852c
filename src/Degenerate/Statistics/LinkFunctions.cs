using MathNet.Numerics.Distributions;

namespace Degenerate.Statistics;

/// <summary>
/// Scalar pieces of a univariate GLM on the host: the inverse link and its derivative, the link itself and its second
/// derivative, and the family's variance function with its derivative (statsmodels' link and variance classes).
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
        Link.Probit => Normal.CDF(0, 1, eta),
        Link.CLogLog => -ExpM1(-Math.Exp(eta)),
        Link.Sqrt => eta * eta,
        _ => throw new ArgumentOutOfRangeException(nameof(link), link, "unknown link"),
    };

    /// <summary>g(μ).</summary>
    public static double Value(Link link, double mu) => link switch
    {
        Link.Identity => mu,
        Link.Logit => Math.Log(mu / (1 - mu)),
        Link.Log => Math.Log(mu),
        Link.Inverse => 1 / mu,
        Link.Probit => Normal.InvCDF(0, 1, mu),
        Link.CLogLog => Math.Log(-NegativeBinomialTerms.Log1P(-mu)),
        Link.Sqrt => Math.Sqrt(mu),
        _ => throw new ArgumentOutOfRangeException(nameof(link), link, "unknown link"),
    };

    /// <summary>dμ/dη at η (and μ = g⁻¹(η)): written in μ where that stays exact for large |η| (logit), in η otherwise.</summary>
    public static double MeanDerivative(Link link, double mu, double eta) => link switch
    {
        Link.Identity => 1,
        Link.Logit => mu * (1 - mu),
        Link.Log => mu,
        Link.Inverse => -mu * mu,
        Link.Probit => Normal.PDF(0, 1, eta),
        Link.CLogLog => Math.Exp(eta - Math.Exp(eta)),
        Link.Sqrt => 2 * eta,
        _ => throw new ArgumentOutOfRangeException(nameof(link), link, "unknown link"),
    };

    /// <summary>g″(μ) (η = g(μ) given too, for the links whose g″ is simplest in η); g′(μ) is 1 / <see cref="MeanDerivative"/>.</summary>
    public static double SecondDerivative(Link link, double mu, double eta)
    {
        switch (link)
        {
            case Link.Identity: return 0;
            case Link.Logit: return (2 * mu - 1) / (mu * mu * (1 - mu) * (1 - mu));
            case Link.Log: return -1 / (mu * mu);
            case Link.Inverse: return 2 / (mu * mu * mu);
            case Link.Probit:
            {
                var phi = Normal.PDF(0, 1, eta);
                return eta / (phi * phi);  // d/dμ (1/φ(η)) = (η/φ)·(dη/dμ)
            }
            case Link.CLogLog:
            {
                var u = -Math.Log(1 - mu);
                var d = (1 - mu) * u;
                return (u - 1) / (d * d);
            }
            case Link.Sqrt: return -0.25 / (mu * Math.Sqrt(mu));
            default: throw new ArgumentOutOfRangeException(nameof(link), link, "unknown link");
        }
    }

    /// <summary>V(μ); <paramref name="alpha"/> is the family's parameter (negative binomial α, Tweedie variance power).</summary>
    public static double Variance(Family family, double mu, double alpha = 1) => family switch
    {
        Family.NegativeBinomial => mu + alpha * mu * mu,
        Family.Tweedie => Math.Pow(mu, alpha),
        Family.Gaussian => 1,
        Family.Binomial => mu * (1 - mu),
        Family.Poisson => mu,
        Family.Gamma => mu * mu,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a univariate family"),
    };

    /// <summary>V′(μ).</summary>
    public static double VarianceDerivative(Family family, double mu, double alpha = 1) => family switch
    {
        Family.NegativeBinomial => 1 + 2 * alpha * mu,
        Family.Tweedie => alpha * Math.Pow(mu, alpha - 1),
        Family.Gaussian => 0,
        Family.Binomial => 1 - 2 * mu,
        Family.Poisson => 1,
        Family.Gamma => 2 * mu,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a univariate family"),
    };

    /// <summary>
    /// Per-observation score factor s = ∂ℓ/∂η, information factor h (expected, or observed) and log-likelihood kernel
    /// ℓ (up to terms free of β), each times the weight w: what a Newton pass sums against the design rows.
    /// </summary>
    public static (double S, double H, double L, double Residual) Terms(Family family, Link link, double y, double eta, double w,
        bool observed, double alpha = 1)
    {
        var mu = Mean(link, eta);
        var dmu = MeanDerivative(link, mu, eta);
        var v = Variance(family, mu, alpha);
        var r = y - mu;
        var s = w * r * dmu / v;
        var h = w * dmu * dmu / v;
        if (observed)
        {
            // The expected factor times 1 + (y − μ)·(V·g″ + V′·g′)/(g′·V); 1 for canonical links.
            var gPrime = 1 / dmu;
            h *= 1 + r / (gPrime * v) * (v * SecondDerivative(link, mu, eta) + VarianceDerivative(family, mu, alpha) * gPrime);
        }
        double l = family switch
        {
            Family.Gaussian => -0.5 * r * r,
            Family.Binomial => link switch
            {
                Link.Logit => y * eta - Softplus(eta),
                Link.Probit => (y == 0 ? 0 : y * Math.Log(Normal.CDF(0, 1, eta))) + (y == 1 ? 0 : (1 - y) * Math.Log(Normal.CDF(0, 1, -eta))),
                _ => (y == 0 ? 0 : y * Math.Log(mu)) + (y == 1 ? 0 : (1 - y) * Math.Log(1 - mu)),
            },
            Family.Poisson => (y == 0 ? 0 : y * Math.Log(mu)) - mu,
            Family.Gamma => -y / mu - Math.Log(mu),
            Family.NegativeBinomial => (y == 0 ? 0 : y * Math.Log(alpha * mu / (1 + alpha * mu))) - Math.Log(1 + alpha * mu) / alpha,
            Family.Tweedie => TweedieQuasiLikelihood(y, mu, alpha),
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a univariate family"),
        };
        return (s, h, w * l, r);
    }

    /// <summary>
    /// The Tweedie quasi-likelihood ∫ᵧ^μ (y − t)/tᵖ dt up to terms free of μ: y·μ¹⁻ᵖ/(1 − p) − μ²⁻ᵖ/(2 − p), with the
    /// Poisson (p = 1) and Gamma (p = 2) limits. Its score and information are the GLM's, so it orders fits by deviance.
    /// </summary>
    public static double TweedieQuasiLikelihood(double y, double mu, double p) => p switch
    {
        1 => (y == 0 ? 0 : y * Math.Log(mu)) - mu,
        2 => -y / mu - Math.Log(mu),
        _ => y * Math.Pow(mu, 1 - p) / (1 - p) - Math.Pow(mu, 2 - p) / (2 - p),
    };

    /// <summary>
    /// statsmodels' Tweedie unit deviance 2·(y²⁻ᵖ/((1 − p)(2 − p)) − y·μ¹⁻ᵖ/(1 − p) + μ²⁻ᵖ/(2 − p)), with the Poisson
    /// (p = 1) and Gamma (p = 2) forms at those powers.
    /// </summary>
    public static double TweedieDeviance(double y, double mu, double p) => 2 * p switch
    {
        1 => y == 0 ? mu : y * Math.Log(y / mu) + mu - y,
        2 => (y - mu) / mu - Math.Log(y / mu),
        _ => Math.Pow(y, 2 - p) / ((1 - p) * (2 - p)) - y * Math.Pow(mu, 1 - p) / (1 - p) + Math.Pow(mu, 2 - p) / (2 - p),
    };

    /// <summary>log(1 + eˣ) without overflow.</summary>
    public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    /// <summary>
    /// eˣ − 1, accurate for small x (.NET's double.ExpM1 computes it as written, so the cloglog mean 1 − exp(−e^η)
    /// would be 0 below η ≈ −37 instead of ≈ e^η). Kahan's form: the rounding of eˣ cancels in (u − 1)·x / log u.
    /// </summary>
    internal static double ExpM1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1) return x;
        var um1 = u - 1;
        return um1 == -1 || double.IsPositiveInfinity(u) ? um1 : um1 * x / Math.Log(u);
    }
}
