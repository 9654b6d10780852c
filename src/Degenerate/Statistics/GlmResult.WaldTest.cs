using System.Globalization;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    /// <summary>
    /// t (or z) tests of each linear combination: row i of <paramref name="r"/> times the coefficients equals
    /// <paramref name="q"/>[i] (statsmodels' <c>t_test((R, q))</c>). Uses <see cref="CovParams"/>, so a robust result
    /// gives robust tests; t with <see cref="DfResidInference"/> degrees of freedom when <see cref="UsesTDistribution"/>.
    /// </summary>
    /// <param name="r">The J × k restriction matrix, k = the number of coefficients in <see cref="ParamNames"/> order.</param>
    /// <param name="q">The J hypothesized values (default zeros).</param>
    /// <exception cref="ArgumentException">Shapes that do not match the coefficients, or non-finite entries.</exception>
    public TTestResult TTest(double[,] r, double[]? q = null)
    {
        var (qv, effect, rcr) = Restrict(r, q);
        var j = effect.Length;
        var sd = new double[j];
        var stat = new double[j];
        var p = new double[j];
        for (var i = 0; i < j; i++)
        {
            sd[i] = Math.Sqrt(rcr[i, i]);
            stat[i] = (effect[i] - qv[i]) / sd[i];
            p[i] = TwoSidedPValue(stat[i]);
        }
        return new TTestResult
        {
            Effect = effect, Sd = sd, Statistic = stat, PValue = p, Q = qv,
            DfDenom = UsesTDistribution ? DfResidInference : double.NaN, Distribution = UsesTDistribution ? "t" : "norm",
        };
    }

    /// <summary>The joint F test of Rβ = q (statsmodels' <c>f_test((R, q))</c>): <see cref="WaldTest(double[,], double[], bool?)"/> with useF true.</summary>
    /// <exception cref="ArgumentException">As <see cref="WaldTest(double[,], double[], bool?)"/>.</exception>
    public WaldTestResult FTest(double[,] r, double[]? q = null) => WaldTest(r, q, useF: true);

    /// <summary>
    /// The joint Wald test of Rβ = q (statsmodels' <c>wald_test((R, q), use_f)</c>), with <see cref="CovParams"/>:
    /// F = W/J against F(J, <see cref="DfResidInference"/>) when <paramref name="useF"/> (default: <see cref="UsesTDistribution"/>),
    /// else W against χ²(J).
    /// </summary>
    /// <param name="r">The J × k restriction matrix.</param>
    /// <param name="q">The J hypothesized values (default zeros).</param>
    /// <param name="useF">F (true) or χ² (false); null follows <see cref="UsesTDistribution"/>, as statsmodels.</param>
    /// <exception cref="ArgumentException">Shapes that do not match, non-finite entries, or linearly dependent
    /// restrictions (R·CovParams·Rᵀ singular; statsmodels warns and lowers J to the rank).</exception>
    public WaldTestResult WaldTest(double[,] r, double[]? q = null, bool? useF = null)
    {
        var (qv, effect, rcr) = Restrict(r, q);
        var j = effect.Length;
        // The rank and the solve run on R·Cov·Rᵀ scaled to unit diagonal (a congruence: same rank, same statistic), so
        // coefficients of very different magnitudes (columns in units of 1e-12 and 1e12) do not fool the rank's tolerance.
        var unit = new double[j];
        for (var i = 0; i < j; i++) unit[i] = rcr[i, i] > 0 ? 1 / Math.Sqrt(rcr[i, i]) : 1;
        var m = Matrix<double>.Build.Dense(j, j, (a, b) => rcr[a, b] * unit[a] * unit[b]);
        var rank = m.Rank();
        if (rank < j)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"the {j} restrictions are linearly dependent under the covariance (R·CovParams·Rᵀ has rank {rank}); drop the redundant rows of r"), nameof(r));
        var d = Vector<double>.Build.Dense(j, i => (effect[i] - qv[i]) * unit[i]);
        var w = d.DotProduct(m.Solve(d));
        if (useF ?? UsesTDistribution)
        {
            var f = w / j;
            var df = DfResidInference;
            return new WaldTestResult
            {
                Statistic = f, DfNum = j, DfDenom = df, Distribution = "F",
                PValue = f > 0 ? SpecialFunctions.BetaRegularized(df / 2, j / 2.0, df / (df + j * f)) : 1,
            };
        }
        return new WaldTestResult
        {
            Statistic = w, DfNum = j, Distribution = "chi2",
            PValue = SpecialFunctions.GammaUpperRegularized(j / 2.0, Math.Max(w, 0) / 2),
        };
    }

    /// <summary>
    /// <see cref="TTest(double[,], double[])"/> of restrictions written over <see cref="ParamNames"/>, as statsmodels'
    /// <c>t_test("x1 = x2, x3 = 0")</c>: comma-separated linear equations with terms number, name or number*name.
    /// </summary>
    /// <exception cref="ArgumentException">Text that does not parse, or names no coefficient (the known names are listed).</exception>
    public TTestResult TTest(string restrictions)
    {
        var (r, q) = LinearRestriction.Parse(restrictions, ParamNames, nameof(restrictions));
        return TTest(r, q);
    }

    /// <summary><see cref="FTest(double[,], double[])"/> of restrictions written as in <see cref="TTest(string)"/>.</summary>
    /// <exception cref="ArgumentException">As <see cref="TTest(string)"/> and <see cref="WaldTest(double[,], double[], bool?)"/>.</exception>
    public WaldTestResult FTest(string restrictions) => WaldTest(restrictions, useF: true);

    /// <summary><see cref="WaldTest(double[,], double[], bool?)"/> of restrictions written as in <see cref="TTest(string)"/>.</summary>
    /// <exception cref="ArgumentException">As <see cref="TTest(string)"/> and <see cref="WaldTest(double[,], double[], bool?)"/>.</exception>
    public WaldTestResult WaldTest(string restrictions, bool? useF = null)
    {
        var (r, q) = LinearRestriction.Parse(restrictions, ParamNames, nameof(restrictions));
        return WaldTest(r, q, useF);
    }

    // Checks R and q; returns q, Rβ and R·CovParams·Rᵀ.
    private (double[] Q, double[] Effect, double[,] Rcr) Restrict(double[,] r, double[]? q)
    {
        ArgumentNullException.ThrowIfNull(r);
        var k = Params.Count;
        var j = r.GetLength(0);
        if (j == 0 || r.GetLength(1) != k)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"r has shape [{j}, {r.GetLength(1)}]; expected [J >= 1, {k}], one column per coefficient ({string.Join(", ", ParamNames)})"), nameof(r));
        for (var a = 0; a < j; a++)
            for (var b = 0; b < k; b++)
                if (!double.IsFinite(r[a, b]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"r[{a}, {b}] is {r[a, b]:R}; expected a finite number"), nameof(r));
        var qv = q ?? new double[j];
        if (qv.Length != j)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"q has {qv.Length} values but r has {j} rows"), nameof(q));
        foreach (var v in qv)
            if (!double.IsFinite(v)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"q contains {v:R}; expected finite values"), nameof(q));
        var effect = new double[j];
        var rc = new double[j, k];
        for (var a = 0; a < j; a++)
            for (var b = 0; b < k; b++)
            {
                effect[a] += r[a, b] * Params[b];
                for (var c = 0; c < k; c++) rc[a, b] += r[a, c] * CovParams[c, b];
            }
        var rcr = new double[j, j];
        for (var a = 0; a < j; a++)
            for (var b = 0; b < j; b++)
                for (var c = 0; c < k; c++) rcr[a, b] += rc[a, c] * r[b, c];
        return ((double[])qv.Clone(), effect, rcr);
    }
}
