using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    private OlsDiagnostics? _ols;

    /// <summary>Whether this is a least-squares fit (Gaussian family, identity link), which statsmodels reports as OLS (WLS with weights).</summary>
    public bool IsLeastSquares => Family == Family.Gaussian && Link == Link.Identity;

    /// <summary>1 − (1 − R²)·(n − c)/df_resid, c = 1 with an intercept, else 0 (statsmodels' <c>rsquared_adj</c>); NaN except for least squares.</summary>
    public double RSquaredAdj => IsLeastSquares && Data is { } d ? 1 - (1 - RSquared) * (Nobs - (d.HasConstant ? 1 : 0)) / DfResid : double.NaN;

    /// <summary>D'Agostino–Pearson K² of the (weighted) residuals (statsmodels' summary "Omnibus", scipy's normaltest); NaN except for least squares.</summary>
    public double Omnibus => Ols?.Omnibus ?? double.NaN;

    /// <summary>P(χ²(2) ≥ <see cref="Omnibus"/>) ("Prob(Omnibus)").</summary>
    public double OmnibusPValue => Ols?.OmnibusPValue ?? double.NaN;

    /// <summary>Skewness of the (weighted) residuals, biased moment estimator ("Skew").</summary>
    public double ResidSkew => Ols?.Skew ?? double.NaN;

    /// <summary>Kurtosis (not excess) of the (weighted) residuals ("Kurtosis").</summary>
    public double ResidKurtosis => Ols?.Kurtosis ?? double.NaN;

    /// <summary>Σ(eᵢ − eᵢ₋₁)²/Σeᵢ² of the (weighted) residuals in row order ("Durbin-Watson").</summary>
    public double DurbinWatson => Ols?.DurbinWatson ?? double.NaN;

    /// <summary>n/6·(S² + (K − 3)²/4) ("Jarque-Bera (JB)").</summary>
    public double JarqueBera => Ols?.JarqueBera ?? double.NaN;

    /// <summary>P(χ²(2) ≥ <see cref="JarqueBera"/>) ("Prob(JB)").</summary>
    public double JarqueBeraPValue => Ols?.JarqueBeraPValue ?? double.NaN;

    /// <summary>√(largest/smallest eigenvalue of XᵀWX), the design's condition number ("Cond. No.", <c>condition_number</c>).</summary>
    public double ConditionNumber => Ols?.ConditionNumber ?? double.NaN;

    /// <summary>The smallest eigenvalue of XᵀWX (statsmodels' <c>eigenvals[-1]</c>, behind the summary's singular-design note).</summary>
    public double SmallestEigenvalue => Ols?.SmallestEigenvalue ?? double.NaN;

    private OlsDiagnostics? Ols => IsLeastSquares && Data is { } d ? _ols ??= OlsDiagnostics.Compute(d) : null;

    private sealed record OlsDiagnostics(double Omnibus, double OmnibusPValue, double Skew, double Kurtosis, double DurbinWatson,
        double JarqueBera, double JarqueBeraPValue, double ConditionNumber, double SmallestEigenvalue)
    {
        public static OlsDiagnostics Compute(GlmData d)
        {
            var n = d.Rows;
            var k = d.Params;
            var e = new double[n];
            var row = new double[k];
            var xtx = new double[k, k];
            for (var i = 0; i < n; i++)
            {
                var w = d.W?[i] ?? 1;
                e[i] = Math.Sqrt(w) * (d.Y[i] - d.Eta[i]);
                d.Row(i, row);
                for (var a = 0; a < k; a++)
                    for (var b = 0; b < k; b++) xtx[a, b] += w * row[a] * row[b];
            }
            var (m2, m3, m4, ss, diff) = Sums(e, e.Average());
            return From(m2 / n, m3 / n, m4 / n, ss, diff, n, xtx);
        }

        /// <summary>Σ(e − mean)², Σ(e − mean)³, Σ(e − mean)⁴, Σe² and Σ(eᵢ − eᵢ₋₁)² over <paramref name="e"/>.</summary>
        internal static (double M2, double M3, double M4, double Ss, double Diff) Sums(double[] e, double mean)
        {
            double m2 = 0, m3 = 0, m4 = 0, ss = 0, diff = 0;
            for (var i = 0; i < e.Length; i++)
            {
                var c = e[i] - mean;
                m2 += c * c;
                m3 += c * c * c;
                m4 += c * c * c * c;
                ss += e[i] * e[i];
                if (i > 0) diff += (e[i] - e[i - 1]) * (e[i] - e[i - 1]);
            }
            return (m2, m3, m4, ss, diff);
        }

        /// <summary>The diagnostics from the residuals' central moments (divided by n), their sums and XᵀWX.</summary>
        internal static OlsDiagnostics From(double m2, double m3, double m4, double ss, double diff, int n, double[,] xtx)
        {
            var skew = m3 / Math.Pow(m2, 1.5);
            var kurtosis = m4 / (m2 * m2);
            var jb = n / 6.0 * (skew * skew + (kurtosis - 3) * (kurtosis - 3) / 4);
            var k2 = Math.Pow(SkewTestZ(skew, n), 2) + Math.Pow(KurtosisTestZ(kurtosis, n), 2);
            var eig = Matrix<double>.Build.DenseOfArray(xtx).Evd(Symmetricity.Symmetric).EigenValues.Select(v => v.Real).ToArray();
            double max = eig.Max(), min = eig.Min();
            return new OlsDiagnostics(k2, ChiSquared2Sf(k2), skew, kurtosis, diff / ss, jb, ChiSquared2Sf(jb), Math.Sqrt(max / min), min);
        }

        // χ²(2)'s upper tail is exp(−x/2).
        internal static double ChiSquared2Sf(double x) => double.IsNaN(x) ? double.NaN : Math.Exp(-Math.Max(x, 0) / 2);

        // D'Agostino's transformation of the sample skewness to a standard normal (as scipy's skewtest).
        internal static double SkewTestZ(double b2, int n)
        {
            var y = b2 * Math.Sqrt((n + 1.0) * (n + 3) / (6.0 * (n - 2)));
            var beta2 = 3.0 * ((double)n * n + 27 * n - 70) * (n + 1) * (n + 3) / ((n - 2.0) * (n + 5) * (n + 7) * (n + 9));
            var w2 = -1 + Math.Sqrt(2 * (beta2 - 1));
            var delta = 1 / Math.Sqrt(0.5 * Math.Log(w2));
            var alpha = Math.Sqrt(2 / (w2 - 1));
            if (y == 0) y = 1;
            return delta * Math.Log(y / alpha + Math.Sqrt((y / alpha) * (y / alpha) + 1));
        }

        // Anscombe and Glynn's transformation of the sample kurtosis to a standard normal (as scipy's kurtosistest).
        internal static double KurtosisTestZ(double b2, int n)
        {
            var e = 3.0 * (n - 1) / (n + 1);
            var varb2 = 24.0 * n * (n - 2) * (n - 3) / ((n + 1.0) * (n + 1) * (n + 3) * (n + 5));
            var x = (b2 - e) / Math.Sqrt(varb2);
            var sqrtBeta1 = 6.0 * ((double)n * n - 5 * n + 2) / ((n + 7.0) * (n + 9)) * Math.Sqrt(6.0 * (n + 3) * (n + 5) / (n * (n - 2.0) * (n - 3)));
            var a = 6 + 8 / sqrtBeta1 * (2 / sqrtBeta1 + Math.Sqrt(1 + 4 / (sqrtBeta1 * sqrtBeta1)));
            var term1 = 1 - 2 / (9 * a);
            var denom = 1 + x * Math.Sqrt(2 / (a - 4));
            if (denom == 0) return double.NaN;
            var term2 = Math.Sign(denom) * Math.Cbrt((1 - 2 / a) / Math.Abs(denom));
            return (term1 - term2) / Math.Sqrt(2 / (9 * a));
        }
    }
}
