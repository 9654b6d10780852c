using System.Globalization;
using System.Text;

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

    // statsmodels' DiscreteResults.summary() for NegativeBinomial: the discrete-model header, then the coefficients.
    private string NegativeBinomialSummary(string dependentVariable)
    {
        var ci = CultureInfo.InvariantCulture;
        var now = DateTime.UtcNow;
        var header = new StringBuilder();
        var headerWidth = AppendTwoColumns(header,
        [
            ("Dep. Variable:", dependentVariable),
            ("Model:", "NegativeBinomial"),
            ("Method:", "MLE"),
            ("Date:", now.ToString("ddd, dd MMM yyyy", ci)),
            ("Time:", now.ToString("HH:mm:ss", ci)),
            ("converged:", Converged ? "True" : "False"),
            ("Covariance Type:", CovTypeName),
        ],
        [
            ("No. Observations:", PyFormat.DOrF(Nobs)),
            ("Df Residuals:", PyFormat.DOrF(DfResid)),
            ("Df Model:", PyFormat.DOrF(DfModel)),
            ("Pseudo R-squ.:", PyFormat.G(PseudoRSquared, 4)),
            ("Log-Likelihood:", PyFormat.G(Llf, 5)),
            ("LL-Null:", PyFormat.G(LlNull, 5)),
            ("LLR p-value:", PyFormat.G(LlrPValue, 4)),
        ]);
        var sb = new StringBuilder();
        sb.AppendLine(Center("NegativeBinomial Regression Results", headerWidth));
        sb.AppendLine(new string('=', headerWidth));
        sb.Append(header);
        sb.AppendLine(new string('=', 78));
        AppendParamsTable(sb);
        if (Warnings.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Warnings:");
            for (var i = 0; i < Warnings.Count; i++) sb.AppendLine($"[{i + 1}] {Warnings[i]}");
        }
        return sb.ToString();
    }
}
