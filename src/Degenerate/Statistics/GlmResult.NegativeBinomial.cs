namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    /// <summary>
    /// Whether α was estimated with the coefficients (<see cref="NegativeBinomialRegression"/>, statsmodels' discrete
    /// NB2): then α is the last entry of <see cref="Params"/> (named "alpha") with its standard error in <see cref="Bse"/>.
    /// </summary>
    public bool AlphaEstimated { get; internal init; }

    /// <summary>
    /// The negative binomial α in V(μ) = μ + αμ²: estimated (<see cref="AlphaEstimated"/>) or the given
    /// <see cref="GlmOptions.Alpha"/>; NaN for the other families.
    /// </summary>
    public double Alpha => Family == Family.NegativeBinomial && Data is { } data ? data.Alpha : double.NaN;

    /// <summary>The Tweedie family's variance power p (<see cref="GlmOptions.VarPower"/>); NaN for the other families.</summary>
    public double VarPower => Family == Family.Tweedie && Data is { } data ? data.Alpha : double.NaN;
}
