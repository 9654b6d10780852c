using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Degenerate.Statistics;

/// <summary>
/// Scale invariance of the exact GLM solvers (issue 14): a data column whose root mean square is far from 1 (features in
/// units of 1e-12 or 1e12) is multiplied by a power of two that brings it near 1 before the fit, and the result is
/// mapped back (<see cref="GlmResult.ForOriginalColumns"/>). Powers of two change no digit of the data, and columns
/// already within [2⁻²⁰, 2²⁰] are left alone, so ordinary designs fit exactly as before. Without it the Newton ridge
/// (1e-10, statsmodels' ridge_factor) swamps an information matrix of order 1e-22 and least squares goes wrong.
/// </summary>
internal static class ColumnScaling
{
    internal const int Limit = 20;

    /// <summary>Per-column factors, or null when every column is within range (or x holds non-finite values, which the
    /// input checks then report as usual).</summary>
    public static double[]? For(double[,]? x)
    {
        if (x is null) return null;
        int n = x.GetLength(0), p = x.GetLength(1);
        if (n == 0 || p == 0) return null;
        if (ClearlyInRange(x)) return null;
        // Two row-major passes (the array's own order) with per-column accumulators, each column summed in row order.
        var max = new double[p];
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < p; c++)
            {
                var v = Math.Abs(x[i, c]);
                if (!double.IsFinite(v)) return null;
                if (v > max[c]) max[c] = v;
            }
        }
        var sum = new double[p];
        var divisor = new double[p];
        for (var c = 0; c < p; c++) divisor[c] = max[c] > 0 ? max[c] : 1;
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < p; c++)
            {
                var v = x[i, c] / divisor[c];
                sum[c] += v * v;
            }
        }
        var scale = new double[p];
        var any = false;
        for (var c = 0; c < p; c++)
        {
            var rms = max[c] * Math.Sqrt(sum[c] / n);
            scale[c] = 1;
            if (rms == 0) continue;
            var exponent = (int)Math.Round(Math.Log2(rms));
            if (Math.Abs(exponent) <= Limit) continue;
            scale[c] = Math.ScaleB(1.0, -exponent);
            any = true;
        }
        return any ? scale : null;
    }

    /// <summary>
    /// One vectorized pass deciding the common case: every column's root mean square, from plain sums of squares, is
    /// within [2^−20.25, 2^20.25] (or the column is all zeros) with no overflow or underflow in the sums, so
    /// <see cref="For"/> leaves it alone whatever the rounding. Anything else (a column near or beyond the limits,
    /// values whose squares leave the normal range, non-finite values) goes to the exact two-pass computation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // once per fit: no tier-0 intrinsics
    private static unsafe bool ClearlyInRange(double[,] x)
    {
        if (!Avx.IsSupported || !Fma.IsSupported) return false;
        int n = x.GetLength(0), p = x.GetLength(1);
        var sum = new double[p + 3];
        var max = new double[p + 3];
        var bad = Vector256<double>.Zero;
        var absMask = Vector256.Create(-0.0);
        fixed (double* data = x)
        fixed (double* sp = sum)
        fixed (double* mp = max)
        {
            for (long i = 0; i < n; i++)
            {
                var row = data + i * p;
                var c = 0;
                for (; c + 4 <= p; c += 4)
                {
                    var v = Avx.LoadVector256(row + c);
                    bad = Avx.Add(bad, Avx.Subtract(v, v));  // NaN once any value is NaN or infinite
                    Avx.Store(sp + c, Fma.MultiplyAdd(v, v, Avx.LoadVector256(sp + c)));
                    Avx.Store(mp + c, Avx.Max(Avx.AndNot(absMask, v), Avx.LoadVector256(mp + c)));
                }
                for (; c < p; c++)
                {
                    var v = row[c];
                    if (!double.IsFinite(v)) return false;
                    sp[c] += v * v;
                    mp[c] = Math.Max(mp[c], Math.Abs(v));
                }
            }
        }
        if (!double.IsFinite(Vector256.Sum(bad))) return false;
        for (var c = 0; c < p; c++)
        {
            if (max[c] == 0) continue;
            // Squares of values in [1e-150, 1e150] and their sums stay normal and finite.
            if (!(max[c] <= 1e150 && max[c] >= 1e-150 && double.IsFinite(sum[c]) && sum[c] >= 1e-290)) return false;
            var log2 = Math.Log2(Math.Sqrt(sum[c] / n));
            if (!(Math.Abs(log2) <= Limit + 0.25)) return false;
        }
        return true;
    }

    /// <summary>x with column c multiplied by scale[c] (exact: powers of two).</summary>
    public static double[,] Apply(double[,] x, double[] scale)
    {
        int n = x.GetLength(0), p = x.GetLength(1);
        var scaled = new double[n, p];
        for (var i = 0; i < n; i++)
            for (var c = 0; c < p; c++) scaled[i, c] = x[i, c] * scale[c];
        return scaled;
    }

    /// <summary>x's data columns row-major, as <see cref="GlmData.X"/> keeps them.</summary>
    public static double[] RowMajor(double[,] x)
    {
        int n = x.GetLength(0), p = x.GetLength(1);
        var flat = new double[(long)n * p];
        Buffer.BlockCopy(x, 0, flat, 0, flat.Length * sizeof(double));
        return flat;
    }
}
