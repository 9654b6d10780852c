namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    /// <summary>
    /// For a fit that ran on the orthonormal design Q of an ill-conditioned X (<see cref="DesignFactorization"/>):
    /// Q's data and the map T (β = T·γ) that robust covariances are computed through, so that no sandwich is ever
    /// inverted at X's squared condition number.
    /// </summary>
    private FactorizedDesign? _factorized;

    /// <summary>The covariance of γ behind <see cref="CovParams"/> (fits on Q only): predictions use it.</summary>
    private double[,]? _gammaCov;

    /// <summary>Q's data, the map T and the model-based covariance of γ.</summary>
    private sealed record FactorizedDesign(GlmData Data, double[,] Transform, double[,] NonRobust, double[] Gamma)
    {
        public double[,] Map(double[,] cov) => Sandwich(Transform, cov);

        /// <summary>T·cov·Tᵀ.</summary>
        public static double[,] Sandwich(double[,] t, double[,] cov)
        {
            var k = t.GetLength(0);
            var tc = new double[k, k];
            for (var i = 0; i < k; i++)
                for (var m = 0; m < k; m++)
                {
                    var a = t[i, m];
                    if (a == 0) continue;
                    for (var j = 0; j < k; j++) tc[i, j] += a * cov[m, j];
                }
            var result = new double[k, k];
            for (var i = 0; i < k; i++)
                for (var j = 0; j < k; j++)
                {
                    double s = 0;
                    for (var m = 0; m < k; m++) s += tc[i, m] * t[j, m];
                    result[i, j] = s;
                }
            return result;
        }

        /// <summary>The map for x·diag(scale)'s original columns (<see cref="ForOriginalColumns"/>): rows of T scaled.</summary>
        public FactorizedDesign Scaled(double[] factor)
        {
            var t = (double[,])Transform.Clone();
            for (var i = 0; i < factor.Length; i++)
                for (var j = 0; j < factor.Length; j++) t[i, j] *= factor[i];
            return this with { Transform = t };
        }
    }

    /// <summary>
    /// This result, fitted on Q with coefficients γ, expressed for the design X = Q·R: β = R⁻¹γ and every covariance
    /// R⁻¹·cov·R⁻ᵀ; the likelihood, deviance, fitted values and names do not change. The data columns
    /// <paramref name="x"/> (with the ones column when <paramref name="intercept"/>) replace Q in the data kept for
    /// predictions and diagnostics. The robust covariance of <paramref name="options"/> is
    /// recomputed for the original coefficients (its Wald F test is on X's slopes, not Q's).
    /// </summary>
    internal GlmResult ForFactorizedDesign(DesignFactorization design, double[,] x, bool intercept, GlmOptions options)
    {
        var copy = (GlmResult)MemberwiseClone();
        var k = Params.Count;
        var p = design.Columns;
        var transform = new double[k, k];
        for (var e = 0; e < k / p; e++)
            for (var i = 0; i < p; i++)
                for (var j = i; j < p; j++) transform[e * p + i, e * p + j] = design.RInverse[i, j];
        var gammaCov = _nonRobust ?? CovParams;
        copy._gammaCov = gammaCov;
        if (Data is { } q)
        {
            copy._factorized = new FactorizedDesign(q, transform, gammaCov, Params.ToArray());
            copy.Data = new GlmData
            {
                X = ColumnScaling.RowMajor(x), Columns = x.GetLength(1), Intercept = intercept, ConstantColumn = q.ConstantColumn,
                Y = q.Y, W = q.W, Eta = q.Eta, Alpha = q.Alpha,
            };
        }
        copy.CovType = CovType.NonRobust;
        copy.NGroups = 0;
        copy._dfResidInference = null;
        if (_nonRobustF is { } f) (copy.FValue, copy.FPValue) = f;
        copy._nonRobust = null;
        copy._nonRobustF = null;
        copy._ols = null;
        copy.Params = design.ToOriginal(Params);
        copy.SetCovariance(FactorizedDesign.Sandwich(transform, gammaCov));
        var warnings = Warnings.ToList();
        warnings.Insert(0, design.Warning);
        copy.Warnings = warnings.ToArray();
        return copy.WithOptionsCovariance(options);
    }

    /// <summary>
    /// xᵀ·cov·x for a design row: on an ill-conditioned design as zᵀ·cov(γ)·z with z = Tᵀx, which avoids the
    /// cancellation of xᵀ·cov(β)·x (entries of order cond²) that costs statsmodels' own figure its leading digits.
    /// </summary>
    internal double PredictionVariance(double[] row)
    {
        var k = row.Length;
        double variance = 0;
        if (_factorized is { } fz && _gammaCov is { } gc)
        {
            var z = new double[k];
            for (var a = 0; a < k; a++)
                for (var m = 0; m < k; m++) z[a] += fz.Transform[m, a] * row[m];
            for (var a = 0; a < k; a++)
                for (var b = 0; b < k; b++) variance += z[a] * gc[a, b] * z[b];
            return variance;
        }
        for (var a = 0; a < k; a++)
            for (var b = 0; b < k; b++) variance += row[a] * CovParams[a, b] * row[b];
        return variance;
    }

    /// <summary>
    /// The Wald F test that the coefficients <paramref name="slopes"/> are zero, under the current covariance, for a fit
    /// on Q. With β = Tγ, A = (T rows of the slopes)ᵀ and cov(γ) = LLᵀ: F·q = ‖projection of L⁻¹γ onto range(LᵀA)‖²,
    /// from a QR of LᵀA, never inverting R·cov·Rᵀ (condition number κ², which makes statsmodels' own robust F
    /// meaningless here: it warns that the constraints' covariance has rank 1 of 3).
    /// </summary>
    internal (double F, double P) FactorizedSlopesF(int[] slopes)
    {
        var fz = _factorized!;
        var k = Params.Count;
        var q = slopes.Length;
        var c = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(_gammaCov!);
        var l = c.Cholesky().Factor;
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(k, q, (i, j) => fz.Transform[slopes[j], i]);
        var b = l.Transpose() * a;
        var u = l.Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(fz.Gamma));
        var qb = b.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).Q;
        var projected = qb.TransposeThisAndMultiply(u);
        var f = projected.DotProduct(projected) / q;
        var df = DfResidInference;
        var p = f > 0 ? MathNet.Numerics.SpecialFunctions.BetaRegularized(df / 2, q / 2.0, df / (df + q * f)) : 1;
        return (f, p);
    }
}
