using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Degenerate.Statistics;

/// <summary>
/// The thin QR factorization X = Q·R of a GLM design [1, x] (or x), computed on the host in float64 by Householder
/// reflections of the column-scaled design: it decides the rank as numpy's <c>matrix_rank</c> does (a column whose
/// distance from the span of the ones before it is at most σmax·max(n, p)·eps is dependent, and is named), and, for
/// a full-rank but ill-conditioned design, supplies the orthonormal design Q on which the fit runs. With Xβ = Qγ the
/// likelihood is unchanged, Newton/IRLS on Q never forms the squared condition number XᵀWX, and the coefficients
/// and covariances map back exactly: β = R⁻¹γ, cov(β) = R⁻¹ cov(γ) R⁻ᵀ (statsmodels' pinv(wX)·pinv(wX)ᵀ).
/// </summary>
internal sealed class DesignFactorization
{
    /// <summary>
    /// Scaled condition numbers above this are fitted on Q. The normal equations' relative error grows as
    /// κ²·eps (Cholesky of XᵀWX; column scaling does not change it): at κ = 1e4 that is ~1e-8, a hundred times inside
    /// the 1e-6 agreement with statsmodels; Longley (κ = 4.3e4 scaled) already loses to ~2e-7, and at 1e5–1e6 the
    /// error reaches the tolerance. On Q the error is κ·eps, as statsmodels' pinv.
    /// </summary>
    public const double Threshold = 1e4;

    private DesignFactorization(double[,] q, double[,] rInverse, double[,] r, double scaledCondition, double condition)
    {
        Q = q;
        RInverse = rInverse;
        R = r;
        ScaledCondition = scaledCondition;
        Condition = condition;
    }

    /// <summary>The orthonormal design, n × p (row-major, as a GLM's x).</summary>
    public double[,] Q { get; }

    /// <summary>R of X = Q·R for the unscaled design (upper triangular, p × p).</summary>
    public double[,] R { get; }

    /// <summary>R⁻¹ (upper triangular): β = R⁻¹γ.</summary>
    public double[,] RInverse { get; }

    /// <summary>Condition number of the design with unit-norm columns (the routing decision).</summary>
    public double ScaledCondition { get; }

    /// <summary>Condition number of the design as given, σmax/σmin (numpy's <c>cond</c>; statsmodels' summary note).</summary>
    public double Condition { get; }

    public int Columns => R.GetLength(0);

    /// <summary>
    /// Factorizes the design: throws <see cref="ArgumentException"/> naming the dependent columns when it is rank
    /// deficient, otherwise returns the factorization (Q formed only when <paramref name="formQ"/>).
    /// </summary>
    public static DesignFactorization Compute(double[,] x, bool intercept, IReadOnlyList<string> names, bool formQ)
    {
        int n = x.GetLength(0), d = x.GetLength(1), p = d + (intercept ? 1 : 0);
        // Column-major copy of the scaled design: unit-norm columns, so the rank tolerance is scale-free.
        var a = new double[p][];
        var scale = new double[p];
        var problems = new List<string>();
        for (var j = 0; j < p; j++)
        {
            var c = a[j] = new double[n];
            if (intercept && j == 0) Array.Fill(c, 1.0);
            else for (var i = 0; i < n; i++) c[i] = x[i, j - (intercept ? 1 : 0)];
            var norm = Norm(c, 0);
            scale[j] = norm > 0 ? 1 / norm : 0;
            if (norm == 0) problems.Add($"column '{names[j]}' is all zeros");
            else for (var i = 0; i < n; i++) c[i] *= scale[j];
        }
        // ‖A‖₂ ≤ ‖A‖_F = √p for unit columns: numpy's tolerance σmax·max(n, p)·eps, at its largest.
        var tolerance = Math.Sqrt(p) * Math.Max(n, p) * (Math.BitIncrement(1.0) - 1.0);
        var rs = new double[p, p];
        var kept = new List<int>();
        var v = new List<double[]>();  // Householder vectors, v[k] acting on rows k..n−1
        for (var j = 0; j < p; j++)
        {
            if (scale[j] == 0) continue;
            var c = a[j];
            for (var k = 0; k < kept.Count; k++) Reflect(v[k], k, c);
            var k0 = kept.Count;
            for (var k = 0; k < k0; k++) rs[kept[k], j] = c[k];
            var residual = Norm(c, k0);
            if (residual <= tolerance)
            {
                // The combination: solve R[kept, kept]·coef = R[kept, j] (scaled columns).
                var coef = new double[k0];
                for (var k = k0 - 1; k >= 0; k--)
                {
                    var s = rs[kept[k], j];
                    for (var m = k + 1; m < k0; m++) s -= rs[kept[k], kept[m]] * coef[m];
                    coef[k] = s / rs[kept[k], kept[k]];
                }
                var partners = Enumerable.Range(0, k0).Where(k => Math.Abs(coef[k]) > 1e-6).Select(k => $"'{names[kept[k]]}'").ToList();
                problems.Add($"column '{names[j]}' is a linear combination of {string.Join(", ", partners)}" +
                             (intercept && k0 > 0 && kept[0] == 0 && names[0] == "const" && partners.Count == 1 && Math.Abs(coef[0]) > 1e-6
                                 ? " (a constant column next to the intercept)" : ""));
                continue;
            }
            // Reflector mapping c[k0..] to (−sign(c[k0])·residual, 0, ..., 0).
            var alpha = c[k0] >= 0 ? -residual : residual;
            var h = new double[n];
            Array.Copy(c, k0, h, k0, n - k0);
            h[k0] -= alpha;
            var hn = Norm(h, k0);
            for (var i = k0; i < n; i++) h[i] /= hn;
            v.Add(h);
            rs[j, j] = alpha;
            kept.Add(j);
        }
        if (problems.Count > 0)
            throw new ArgumentException(
                $"x is rank deficient ({kept.Count} independent of {p} design columns): {string.Join("; ", problems)}. " +
                "Remove or combine these columns; the coefficients are not identified.", "x");
        // Rows of R follow the kept order, which is the column order here (every column was kept).
        var scaledCondition = Cond(rs);
        var r = new double[p, p];
        for (var i = 0; i < p; i++)
            for (var j = i; j < p; j++) r[i, j] = rs[i, j] / scale[j];
        var rInverse = UpperInverse(r);
        double[,] q = new double[0, 0];
        if (formQ)
        {
            // Q = H₀·H₁·…·H_{p−1} applied to the first p columns of the identity.
            q = new double[n, p];
            var e = new double[n];
            for (var j = 0; j < p; j++)
            {
                Array.Clear(e);
                e[j] = 1;
                for (var k = p - 1; k >= 0; k--) Reflect(v[k], k, e);
                for (var i = 0; i < n; i++) q[i, j] = e[i];
            }
        }
        return new DesignFactorization(q, rInverse, r, scaledCondition, Cond(r));
    }

    /// <summary>γ = R·β for each equation's block of <paramref name="beta"/> (length equations · p).</summary>
    public double[] ToOrthogonal(IReadOnlyList<double> beta)
    {
        var p = Columns;
        var g = new double[beta.Count];
        for (var e = 0; e < beta.Count / p; e++)
            for (var i = 0; i < p; i++)
            {
                double s = 0;
                for (var j = i; j < p; j++) s += R[i, j] * beta[e * p + j];
                g[e * p + i] = s;
            }
        return g;
    }

    /// <summary>β = R⁻¹γ per equation, by back-substitution (more accurate than multiplying by R⁻¹).</summary>
    public double[] ToOriginal(IReadOnlyList<double> gamma)
    {
        var p = Columns;
        var b = new double[gamma.Count];
        for (var e = 0; e < gamma.Count / p; e++)
            for (var i = p - 1; i >= 0; i--)
            {
                var s = gamma[e * p + i];
                for (var j = i + 1; j < p; j++) s -= R[i, j] * b[e * p + j];
                b[e * p + i] = s / R[i, i];
            }
        return b;
    }

    /// <summary>T·cov·Tᵀ with T = I ⊗ R⁻¹ (one block per equation): a covariance of γ as one of β.</summary>
    public double[,] CovarianceToOriginal(double[,] cov)
    {
        var k = cov.GetLength(0);
        var p = Columns;
        double T(int i, int j) => i / p == j / p ? RInverse[i % p, j % p] : 0;
        var tc = new double[k, k];
        for (var i = 0; i < k; i++)
            for (var j = 0; j < k; j++)
            {
                double s = 0;
                for (var m = i; m < (i / p + 1) * p; m++) s += T(i, m) * cov[m, j];
                tc[i, j] = s;
            }
        var result = new double[k, k];
        for (var i = 0; i < k; i++)
            for (var j = 0; j < k; j++)
            {
                double s = 0;
                for (var m = j; m < (j / p + 1) * p; m++) s += tc[i, m] * T(j, m);
                result[i, j] = s;
            }
        return result;
    }

    /// <summary>The warning a fit on Q carries, in statsmodels' words.</summary>
    public string Warning => string.Create(CultureInfo.InvariantCulture,
        $"The condition number is large, {PyFormat.ShortG(Condition, 3)}. This might indicate that there are strong multicollinearity " +
        $"or other numerical problems. (Fitted by least squares on the design's QR factorization, as statsmodels' pinv, because its " +
        $"columns scaled to unit norm have condition number {PyFormat.ShortG(ScaledCondition, 2)} > {PyFormat.ShortG(Threshold, 2)}.)");

    private static double Norm(double[] c, int from)
    {
        // Scaled sum of squares: no overflow or underflow for any finite column.
        double max = 0;
        for (var i = from; i < c.Length; i++) max = Math.Max(max, Math.Abs(c[i]));
        if (max == 0) return 0;
        double s = 0;
        for (var i = from; i < c.Length; i++) { var t = c[i] / max; s += t * t; }
        return max * Math.Sqrt(s);
    }

    // c ← (I − 2hhᵀ)c on rows k..n−1.
    private static void Reflect(double[] h, int k, double[] c)
    {
        double dot = 0;
        for (var i = k; i < c.Length; i++) dot += h[i] * c[i];
        dot *= 2;
        for (var i = k; i < c.Length; i++) c[i] -= dot * h[i];
    }

    private static double Cond(double[,] r)
    {
        var s = Matrix<double>.Build.DenseOfArray(r).Svd(computeVectors: false).S;
        return s.Maximum() / s.Minimum();
    }

    private static double[,] UpperInverse(double[,] r)
    {
        var p = r.GetLength(0);
        var inv = new double[p, p];
        for (var j = 0; j < p; j++)
        {
            inv[j, j] = 1 / r[j, j];
            for (var i = j - 1; i >= 0; i--)
            {
                double s = 0;
                for (var m = i + 1; m <= j; m++) s += r[i, m] * inv[m, j];
                inv[i, j] = -s / r[i, i];
            }
        }
        return inv;
    }
}
