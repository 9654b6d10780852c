using System.Globalization;
using System.Text;

namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    /// <summary>
    /// A text report laid out as statsmodels 0.13's <c>summary().as_text()</c> for <see cref="ModelName"/>: OLS/WLS
    /// print the regression summary (header, coefficients, residual diagnostics, notes); "GLM" the GLM header (Model
    /// Family, Link Function, Scale, Deviance, Pearson chi2, Pseudo R-squ. (CS)); Logit, Probit, Poisson and MNLogit
    /// the discrete-model header (Method: MLE, Pseudo R-squ. (McFadden), LL-Null, LLR p-value). Then the coefficient
    /// table (MNLogit: one block per class against the reference class), statsmodels' notes, and the fit's warnings.
    /// </summary>
    /// <param name="dependentVariable">The response's name for the "Dep. Variable:" line (and MNLogit's "y=class" blocks).</param>
    public string Summary(string dependentVariable = "y")
    {
        ArgumentNullException.ThrowIfNull(dependentVariable);
        if (IsLeastSquares && Data is not null && ModelName is "OLS" or "WLS") return OlsSummary(dependentVariable);
        var sb = new StringBuilder();
        var discrete = ModelName != "GLM";
        var left = new List<(string, string)>
        {
            ("Dep. Variable:", dependentVariable),
            ("Model:", ModelName),
        };
        List<(string, string)> right =
        [
            ("No. Observations:", PyFormat.DOrF(Nobs)),
            ("Df Residuals:", PyFormat.DOrF(DfResid)),
            ("Df Model:", PyFormat.DOrF(DfModel)),
        ];
        var now = DateTime.UtcNow;
        var date = ("Date:", now.ToString("ddd, dd MMM yyyy", CultureInfo.InvariantCulture));
        var time = ("Time:", now.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        if (discrete)
        {
            // DiscreteResults.summary(): statsmodels prints "MLE" whatever optimizer ran; a network's weights are not that.
            left.AddRange([("Method:", Method is "Newton" or "LBFGS" ? "MLE" : Method), date, time, ("converged:", Converged ? "True" : "False")]);
            right.AddRange(
            [
                ("Pseudo R-squ.:", PyFormat.G(PseudoRSquared, 4)),
                ("Log-Likelihood:", PyFormat.G(Llf, 5)),
                ("LL-Null:", PyFormat.G(LlNull, 5)),
                ("LLR p-value:", PyFormat.G(LlrPValue, 4)),
            ]);
        }
        else
        {
            // GLMResults.summary(): the family's and link's class names, IRLS for the Fisher-scoring Newton solver.
            left.AddRange(
            [
                ("Model Family:", Family.ToString()),
                ("Link Function:", StatsmodelsLinkName(Link)),
                ("Method:", Method switch { "Newton" => "IRLS", "LBFGS" => "lbfgs", _ => Method }),
                date, time,
                ("No. Iterations:", Iterations.ToString(CultureInfo.InvariantCulture)),
            ]);
            right.AddRange(
            [
                ("Scale:", PyFormat.G(Scale, 5)),
                ("Log-Likelihood:", PyFormat.G(Llf, 5)),
                ("Deviance:", PyFormat.G(Deviance, 5)),
                ("Pearson chi2:", PyFormat.G(PearsonChi2, 3)),
                ("Pseudo R-squ. (CS):", PyFormat.G(CoxSnellRSquared, 4)),
            ]);
        }
        left.Add(("Covariance Type:", CovTypeName));
        var header = new StringBuilder();
        var headerWidth = AppendTwoColumns(header, left, right);
        var title = discrete ? ModelName + " Regression Results" : "Generalized Linear Model Regression Results";
        sb.AppendLine(Center(title, headerWidth));
        sb.AppendLine(new string('=', headerWidth));
        sb.Append(header);
        AppendParamsTable(sb, dependentVariable);
        if (ModelName is "Logit" or "Probit" && SeparationNote() is { } note)
        {
            sb.AppendLine();
            sb.AppendLine(note);
        }
        AppendWarnings(sb);
        return sb.ToString();
    }

    /// <summary>Cox and Snell's pseudo R², 1 − exp(2·(llnull − llf)/nobs), which statsmodels' GLM summary prints.</summary>
    public double CoxSnellRSquared => 1 - Math.Exp((LlNull - Llf) * (2 / Nobs));

    // The link's class name in statsmodels 0.13 (links.Logit, links.probit, links.CLogLog, links.Log, links.identity,
    // links.inverse_power, links.sqrt): what its GLM summary prints under "Link Function:".
    private static string StatsmodelsLinkName(Link link) => link switch
    {
        Link.Logit => "Logit",
        Link.Probit => "probit",
        Link.CLogLog => "CLogLog",
        Link.Log => "Log",
        Link.Identity => "identity",
        Link.Inverse => "inverse_power",
        Link.Sqrt => "sqrt",
        _ => link.ToString(),
    };

    // BinaryResults.summary()'s note when many observations are predicted within 1e-4 (statsmodels' wording).
    private string? SeparationNote()
    {
        if (Data is not { } d || d.Rows == 0) return null;
        var close = 0;
        for (var i = 0; i < d.Rows; i++)
            if (Math.Abs(d.Y[i] - LinkFunctions.Mean(Link, d.Eta[i])) < 1e-4) close++;
        if (close == d.Rows)
            return "Complete Separation: The results show that there iscomplete separation.\n" +
                   "In this case the Maximum Likelihood Estimator does not exist and the parameters\nare not identified.";
        var fraction = (double)close / d.Rows;
        return fraction > 0.1
            ? $"Possibly complete quasi-separation: A fraction {PyFormat.F(fraction, 2)} of observations can be\n" +
              "perfectly predicted. This might indicate that there is complete\nquasi-separation. In this case some " +
              "parameters will not be identified."
            : null;
    }

    private void AppendWarnings(StringBuilder sb)
    {
        if (Warnings.Count == 0) return;
        sb.AppendLine();
        sb.AppendLine("Warnings:");
        for (var i = 0; i < Warnings.Count; i++) sb.AppendLine($"[{i + 1}] {Warnings[i]}");
    }

    // The coefficient table as statsmodels' SimpleTable (fmt_params) lays it out: a stub column of names and six data
    // columns, each at least 10 characters (the interval's ends 11) and as wide as its widest cell, joined by one
    // space; names left-aligned, everything else right-aligned; rules as wide as the table. MNLogit stacks one block
    // per class in one table, each headed by "y=class" in the stub column.
    private void AppendParamsTable(StringBuilder sb, string dependentVariable = "y")
    {
        var (lo, hi) = ConfInt();
        var stat = UsesTDistribution ? "t" : "z";
        string[] heads = ["coef", "std err", stat, $"P>|{stat}|", "[0.025", "0.975]"];
        var blocks = Family == Family.Multinomial
            ? ParamNames.Select((n, i) => (Class: n[..Math.Max(0, n.IndexOf(':'))], Name: n[(n.IndexOf(':') + 1)..], Index: i))
                .GroupBy(p => p.Class).Select(g => (Title: $"{dependentVariable}={g.Key}", Rows: g.Select(p => (p.Name, p.Index)).ToArray())).ToArray()
            : [(Title: "", Rows: ParamNames.Select((n, i) => (n, i)).ToArray())];
        var cells = Enumerable.Range(0, Params.Count).Select(i => new[]
        {
            Forg(Params[i], 4), Forg(Bse[i], 3), Forg(TValues[i], 3), PyFormat.F(PValues[i], 3), Forg(lo[i], 3), Forg(hi[i], 3),
        }).ToArray();
        int[] minimum = [10, 10, 10, 10, 11, 11];
        var widths = minimum.Select((m, c) => Math.Max(m, cells.Select(r => r[c].Length).DefaultIfEmpty(0).Max())).ToArray();
        var stub = Math.Max(10, blocks.SelectMany(b => b.Rows.Select(r => r.Item1.Length).Append(b.Title.Length)).Max());
        var width = stub + widths.Sum(w => w + 1);
        sb.AppendLine(new string('=', width));
        for (var b = 0; b < blocks.Length; b++)
        {
            if (b > 0) sb.AppendLine(new string('-', width));
            sb.Append(blocks[b].Title.PadLeft(stub));
            for (var c = 0; c < heads.Length; c++) sb.Append(' ').Append(heads[c].PadLeft(widths[c]));
            sb.AppendLine();
            sb.AppendLine(new string('-', width));
            foreach (var (name, i) in blocks[b].Rows)
            {
                sb.Append(name.PadRight(stub));
                for (var c = 0; c < heads.Length; c++) sb.Append(' ').Append(cells[i][c].PadLeft(widths[c]));
                sb.AppendLine();
            }
        }
        sb.AppendLine(new string('=', width));
    }

    // statsmodels' forg: fixed decimals in [1e-4, 1e4), %g outside it (2.03e+12, 3e-05, 0).
    private static string Forg(double v, int precision) =>
        Math.Abs(v) >= 1e4 || Math.Abs(v) < 1e-4 ? PyFormat.ShortG(v, precision) : PyFormat.F(v, precision);
}
