using System.Globalization;
using System.Text;

namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    // Two label/value columns as statsmodels' add_table_2cols lays them out: the left label and value in 37
    // characters and a space; the right label after two spaces in a stub of at least 21 (wider for a longer label),
    // its value right-aligned in 19. Returns the width, which the rules and the title above follow.
    internal static int AppendTwoColumns(StringBuilder sb, IReadOnlyList<(string Label, string Value)> left,
        IReadOnlyList<(string Label, string Value)> right)
    {
        var stub = Math.Max(21, right.Max(r => r.Label.Length + 2));
        for (var i = 0; i < Math.Max(left.Count, right.Count); i++)
        {
            var (ll, lv) = i < left.Count ? left[i] : ("", "");
            var (rl, rv) = i < right.Count ? right[i] : ("", "");
            sb.Append(ll).Append(lv.PadLeft(Math.Max(37 - ll.Length, lv.Length + 1))).Append(' ');
            sb.Append(("  " + rl).PadRight(stub)).AppendLine(rv.PadLeft(19));
        }
        return 38 + stub + 19;
    }

    // Python's str.center.
    private static string Center(string text, int width)
    {
        var pad = width - text.Length;
        if (pad <= 0) return text;
        var left = pad / 2 + (pad & width & 1);
        return new string(' ', left) + text + new string(' ', pad - left);
    }

    private string CovDescription => CovType switch
    {
        CovType.NonRobust => "Standard Errors assume that the covariance matrix of the errors is correctly specified.",
        CovType.Cluster => "Standard Errors are robust to cluster correlation (cluster)",
        _ => $"Standard Errors are heteroscedasticity robust ({CovType})",
    };

    // statsmodels' RegressionResults.summary(): the OLS (WLS with weights) header, the coefficients, the residual
    // diagnostics and the notes, each number in statsmodels' printf form.
    private string OlsSummary(string dependentVariable)
    {
        const int width = 78;
        var ci = CultureInfo.InvariantCulture;
        var now = DateTime.UtcNow;
        var data = Data!;
        var model = data.W is null ? "OLS" : "WLS";
        var uncentered = data.HasConstant ? "" : " (uncentered)";
        var header = new StringBuilder();
        var headerWidth = AppendTwoColumns(header,
        [
            ("Dep. Variable:", dependentVariable),
            ("Model:", model),
            ("Method:", "Least Squares"),
            ("Date:", now.ToString("ddd, dd MMM yyyy", ci)),
            ("Time:", now.ToString("HH:mm:ss", ci)),
            ("No. Observations:", PyFormat.DOrF(Nobs)),
            ("Df Residuals:", PyFormat.DOrF(DfResid)),
            ("Df Model:", PyFormat.DOrF(DfModel)),
            ("Covariance Type:", CovTypeName),
        ],
        [
            ("R-squared" + uncentered + ":", PyFormat.F(RSquared, 3)),
            ("Adj. R-squared" + uncentered + ":", PyFormat.F(RSquaredAdj, 3)),
            ("F-statistic:", PyFormat.G(FValue, 4)),
            ("Prob (F-statistic):", PyFormat.G(FPValue, 3)),
            ("Log-Likelihood:", PyFormat.G(Llf, 5)),
            ("AIC:", PyFormat.G(Aic, 4)),
            ("BIC:", PyFormat.G(Bic, 4)),
        ]);
        var sb = new StringBuilder();
        sb.AppendLine(Center(model + " Regression Results", headerWidth));
        sb.AppendLine(new string('=', headerWidth));
        sb.Append(header);
        AppendParamsTable(sb);
        AppendTwoColumns(sb,
        [
            ("Omnibus:", PyFormat.F(Omnibus, 3)),
            ("Prob(Omnibus):", PyFormat.F(OmnibusPValue, 3)),
            ("Skew:", PyFormat.F(ResidSkew, 3)),
            ("Kurtosis:", PyFormat.F(ResidKurtosis, 3)),
        ],
        [
            ("Durbin-Watson:", PyFormat.F(DurbinWatson, 3)),
            ("Jarque-Bera (JB):", PyFormat.F(JarqueBera, 3)),
            ("Prob(JB):", PyFormat.G(JarqueBeraPValue, 3)),
            ("Cond. No.", PyFormat.G(ConditionNumber, 3)),
        ]);
        sb.AppendLine(new string('=', width));
        var notes = new List<string>();
        if (!data.HasConstant)
            notes.Add("R² is computed without centering (uncentered) since the model does not contain a constant.");
        notes.Add(CovDescription);
        if (SmallestEigenvalue < 1e-10)
            notes.Add($"The smallest eigenvalue is {PyFormat.ShortG(SmallestEigenvalue, 3)}. This might indicate that there are\n" +
                      "strong multicollinearity problems or that the design matrix is singular.");
        else if (ConditionNumber > 1000)
            notes.Add($"The condition number is large, {PyFormat.ShortG(ConditionNumber, 3)}. This might indicate that there are\n" +
                      "strong multicollinearity or other numerical problems.");
        sb.AppendLine();
        sb.AppendLine("Notes:");
        for (var i = 0; i < notes.Count; i++) sb.Append('[').Append(i + 1).Append("] ").AppendLine(notes[i]);
        if (Warnings.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Warnings:");
            for (var i = 0; i < Warnings.Count; i++) sb.AppendLine($"[{i + 1}] {Warnings[i]}");
        }
        return sb.ToString();
    }
}
