using MathNet.Numerics.LinearAlgebra;

namespace Degenerate.Statistics;

/// <summary>
/// Sandwich covariances of GLM coefficients, bread⁻¹ · meat · bread⁻¹, as statsmodels builds them for GLM: the
/// bread is the observed information Σ hᵢ xᵢxᵢᵀ, the meat sums the per-observation scores sᵢ xᵢ (within clusters,
/// summed first). The scale cancels, so neither uses it. See docs/glm.md for the small-sample factors.
/// HC1–HC3 apply OLS's corrections only to Gaussian/identity fits (statsmodels' OLS and WLS); for every other family
/// they are HC0, as statsmodels 0.13.5's GLM and discrete results compute them (they have no cov_HC1..cov_HC3, and
/// get_robustcov_results falls back to the uncorrected sandwich).
/// </summary>
internal static class RobustCovariance
{
    public static double[,] Compute(GlmResult result, GlmData data, CovType covType, int[]? groupIndex, int groupCount,
        bool useCorrection)
    {
        // A distributed fit: bread and meat are sums over every rank's rows; clusters may span ranks.
        if (data.Shards is not null && covType == CovType.Cluster)
            throw new NotSupportedException("a cluster-robust covariance is not available for a distributed fit (a cluster's rows may be on several ranks); use HC0-HC3");
        var n = data.Rows;
        var nobs = data.Shards?.Rows ?? n;
        var k = data.Params;
        if (covType is CovType.HC1 or CovType.HC2 or CovType.HC3 && !(result.Family == Family.Gaussian && result.Link == Link.Identity))
            covType = CovType.HC0;
        var score = new double[n];
        var hessian = new double[n];
        for (var i = 0; i < n; i++)
        {
            var w = data.W?[i] ?? 1;
            var mu = LinkFunctions.Mean(result.Link, data.Eta[i]);
            var dmu = LinkFunctions.MeanDerivative(result.Link, mu, data.Eta[i]);
            var v = LinkFunctions.Variance(result.Family, mu, data.Alpha);
            var r = data.Y[i] - mu;
            score[i] = w * r * dmu / v;
            // Observed information factor: the expected one, w·(dμ/dη)²/V, times 1 + (y − μ)·(V·g″ + V′·g′)/(g′·V),
            // which is 1 for canonical links.
            var gPrime = 1 / dmu;
            var extra = r / (gPrime * v) * (v * LinkFunctions.SecondDerivative(result.Link, mu, data.Eta[i])
                                            + LinkFunctions.VarianceDerivative(result.Family, mu, data.Alpha) * gPrime);
            hessian[i] = w * dmu * dmu / v * (1 + extra);
        }

        var row = new double[k];
        var bread = new double[k, k];
        for (var i = 0; i < n; i++)
        {
            data.Row(i, row);
            AddOuter(bread, row, row, hessian[i]);
        }
        data.Shards?.SumInPlace(bread);
        var breadInverse = Invert(Matrix<double>.Build.DenseOfArray(bread));
        var breadInverseArray = breadInverse.ToArray();

        var meat = new double[k, k];
        if (covType == CovType.Cluster)
        {
            var sums = new double[groupCount, k];
            for (var i = 0; i < n; i++)
            {
                data.Row(i, row);
                var g = groupIndex![i];
                for (var a = 0; a < k; a++) sums[g, a] += score[i] * row[a];
            }
            var u = new double[k];
            for (var g = 0; g < groupCount; g++)
            {
                for (var a = 0; a < k; a++) u[a] = sums[g, a];
                AddOuter(meat, u, u, 1);
            }
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                data.Row(i, row);
                var factor = score[i] * score[i];
                if (covType is CovType.HC2 or CovType.HC3)
                {
                    // Leverage hᵢ = hessianᵢ · xᵢᵀ bread⁻¹ xᵢ, the diagonal of the weighted hat matrix (OLS: xᵢᵀ(XᵀWX)⁻¹xᵢ·wᵢ).
                    var h = hessian[i] * Quadratic(breadInverseArray, row);
                    factor /= covType == CovType.HC2 ? 1 - h : (1 - h) * (1 - h);
                }
                AddOuter(meat, row, row, factor);
            }
        }
        data.Shards?.SumInPlace(meat);

        var cov = breadInverse * Matrix<double>.Build.DenseOfArray(meat) * breadInverse;
        var correction = covType switch
        {
            CovType.HC1 => nobs / (double)(nobs - k),
            CovType.Cluster when useCorrection => groupCount / (groupCount - 1.0) * ((nobs - 1.0) / (nobs - k)),
            _ => 1.0,
        };
        var output = new double[k, k];
        for (var a = 0; a < k; a++)
            for (var b = 0; b < k; b++) output[a, b] = 0.5 * (cov[a, b] + cov[b, a]) * correction;
        return output;
    }

    private static void AddOuter(double[,] m, double[] a, double[] b, double factor)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var ai = a[i] * factor;
            if (ai == 0) continue;
            for (var j = 0; j < b.Length; j++) m[i, j] += ai * b[j];
        }
    }

    private static double Quadratic(double[,] m, double[] x)
    {
        var s = 0.0;
        for (var i = 0; i < x.Length; i++)
            for (var j = 0; j < x.Length; j++) s += x[i] * m[i, j] * x[j];
        return s;
    }

    private static Matrix<double> Invert(Matrix<double> bread)
    {
        var lu = bread.LU();
        if (lu.Determinant == 0 || !double.IsFinite(lu.Determinant))
            throw new InvalidOperationException(
                "the information matrix at the estimates is singular: the robust covariance is not defined (separation or an unidentified model)");
        return lu.Inverse();
    }
}
