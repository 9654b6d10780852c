using MathNet.Numerics;

namespace Degenerate.Statistics;

/// <summary>
/// One observation's NB2 log-likelihood and its first and second derivatives in the linear predictor η and the
/// dispersion (α, or θ = log α): statsmodels' <c>NegativeBinomial</c> <c>loglikeobs</c>, <c>score</c> and
/// <c>hessian</c> for loglike_method='nb2', with μ = e^η and size r = 1/α:
/// ℓ = log Γ(y + r) − log Γ(r) − log Γ(y + 1) + r·log(r/(r + μ)) + y·log(μ/(r + μ)).
/// </summary>
internal readonly record struct NegativeBinomialTerms(double L, double ScoreEta, double InfoEta, double ScoreDispersion,
    double InfoDispersion, double InfoCross)
{
    // Integer counts up to this use exact finite sums for ψ(y + r) − ψ(r), ψ′(y + r) − ψ′(r) and log Γ(y + r) − log Γ(r),
    // which stay accurate when r = 1/α is large (small α), where the differences of the special functions cancel.
    private const double ExactSumLimit = 1000;

    /// <summary>
    /// ℓ, ∂ℓ/∂η, −∂²ℓ/∂η², and in the dispersion d (α, or θ = log α when <paramref name="logAlpha"/>): ∂ℓ/∂d, −∂²ℓ/∂d²
    /// and −∂²ℓ/∂η∂d.
    /// </summary>
    public static NegativeBinomialTerms Of(double y, double eta, double alpha, bool logAlpha)
    {
        var mu = Math.Exp(eta);
        var am = alpha * mu;
        var q = 1 + am;
        var l1p = Log1P(am);
        var r = 1 / alpha;
        var resid = y - mu;
        double d, t, l;  // ψ(y + r) − ψ(r), ψ′(y + r) − ψ′(r), ℓ
        if (y == Math.Floor(y) && y <= ExactSumLimit)
        {
            // ψ(y + r) − ψ(r) = Σⱼ<y 1/(r + j) = Σ α/(1 + jα); ψ′ likewise with squares, negated; and
            // log Γ(y + r) − log Γ(r) = Σ log(r + j) = Σ log1p(jα) − y·log α, whose last term cancels in ℓ.
            double sd = 0, st = 0, sl = 0;
            for (var j = (int)y - 1; j >= 0; j--)
            {
                var u = 1 + j * alpha;
                sd += alpha / u;
                st += alpha * alpha / (u * u);
                sl += Log1P(j * alpha);
            }
            d = sd;
            t = -st;
            l = sl - SpecialFunctions.GammaLn(y + 1) - (r + y) * l1p + y * eta;
        }
        else
        {
            d = Polygamma.Digamma(y + r) - Polygamma.Digamma(r);
            t = Polygamma.Trigamma(y + r) - Polygamma.Trigamma(r);
            l = SpecialFunctions.GammaLn(y + r) - SpecialFunctions.GammaLn(r) - SpecialFunctions.GammaLn(y + 1) - (r + y) * l1p
                + y * (Math.Log(alpha) + eta);
        }
        var scoreEta = resid / q;
        var infoEta = mu * (1 + alpha * y) / (q * q);
        // b = dℓ/dr = ψ(y + r) − ψ(r) + log(r/(r + μ)) − (y − μ)/(r + μ); dℓ/dα = −b/α².
        var b = d - l1p - alpha * resid / q;
        // c = α⁴·(d²ℓ/dα² − 2b/α³): the second derivative's part through dr/dα squared.
        var c = t + alpha - alpha / q + alpha * alpha * resid / (q * q);
        var cross = mu * resid / (q * q);  // −∂²ℓ/∂η∂α
        return logAlpha
            ? new NegativeBinomialTerms(l, scoreEta, infoEta, -b / alpha, -(b / alpha + c / (alpha * alpha)), alpha * cross)
            : new NegativeBinomialTerms(l, scoreEta, infoEta, -b / (alpha * alpha),
                -(2 * b / (alpha * alpha * alpha) + c / (alpha * alpha * alpha * alpha)), cross);
    }

    /// <summary>log(1 + x), accurate for small x (.NET's double.LogP1 computes log(x + 1) as written).</summary>
    internal static double Log1P(double x)
    {
        var u = 1 + x;
        // Goldberg's correction: the rounding of 1 + x cancels in x/(u − 1).
        return u == 1 ? x : double.IsPositiveInfinity(u) ? u : Math.Log(u) * x / (u - 1);
    }
}
