using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Statistics;

/// <summary>
/// The statistics' per-row work on the host in one vectorized sweep where that is exact: the linear predictor read from
/// the design in place (no tensor, no copy), and for logistic regression on 0/1 outcomes the deviance, Pearson χ²,
/// log-likelihood and exactly-predicted count with one exponential and one logarithm per row, and the null model's
/// log-likelihood in closed form (its fitted mean is ȳ for every row). The formulas are <see cref="GlmStatistics"/>'s,
/// rewritten through softplus: for y ∈ {0, 1}, −log μ = softplus(−η) and −log(1 − μ) = softplus(η), accurate where μ
/// rounds to 0 or 1.
/// </summary>
internal static unsafe class GlmHostStatistics
{
    private static readonly AsyncLocal<bool> Off = new();

    /// <summary>Tests: the general per-row loops on this logical flow.</summary>
    internal static bool Disabled
    {
        get => Off.Value;
        set => Off.Value = value;
    }

    // AggressiveOptimization here and below: called once per fit, these loops would otherwise run as unoptimized
    // tier-0 code (intrinsics not inlined) until on-stack replacement.

    /// <summary>Xβ for a univariate problem whose design is float64 on the CPU, or null (another device, the multinomial family).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[]? LinearPredictor(GlmProblem problem, Tensor beta)
    {
        if (Disabled || !GlmHostPass.Supported || problem.Family == Family.Multinomial || problem.X.Device.Type != DeviceType.Cpu
            || problem.X.DType != DType.Float64 || problem.X.Rank != 2 || beta.Rank != 1)
            return null;
        var e = Engine.Current;
        long n = problem.X.Size(0);
        var cols = (int)problem.X.Size(1);
        var off = problem.Intercept ? 1 : 0;
        var b = beta.To(DType.Float64, Device.CPU).ToArray<double>();
        if (b.Length != cols + off) return null;
        var eta = new double[n];
        using var host = new HostMemory(e);
        var x = (double*)host.Of(problem.X.Handle, DType.Float64);
        var b0 = off == 1 ? b[0] : 0;
        fixed (double* bp = b)
        fixed (double* ep = eta)
        {
            var bx = bp + off;
            for (long i = 0; i < n; i++) ep[i] = GlmHostPass.Dot(x + i * cols, bx, cols) + b0;
        }
        return eta;
    }

    /// <summary>
    /// Deviance, Pearson χ², log-likelihoods and exactly-predicted rows of a logistic regression on 0/1 outcomes without
    /// weights, offset or shards; null when any of that does not hold (the general loop then runs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GlmStatistics.Fit? Logit(GlmProblem problem, double[] eta)
    {
        if (Disabled || !GlmHostPass.Supported || problem.Family != Family.Binomial || problem.Link != Link.Logit || problem.WHost is not null
            || problem.Offset is not null || problem.Shards is not null)
            return null;
        var y = problem.YHost;
        var n = y.Length;
        if (n == 0 || eta.Length != n) return null;
        var zero = Vector256<double>.Zero;
        Vector256<double> llf = zero, deviance = zero, pearson = zero, exact = zero, ones = zero, other = zero;
        var last = n / 4 * 4;
        fixed (double* yp = y)
        fixed (double* ep = eta)
        {
            for (var i = 0; i < last; i += 4)
                Row(Avx.LoadVector256(ep + i), Avx.LoadVector256(yp + i), ref llf, ref deviance, ref pearson, ref exact, ref ones, ref other);
            if (last < n)
            {
                // The ragged end: the missing lanes are η = 0, y = 0 rows whose sums are taken out again below.
                var et = stackalloc double[4];
                var yt = stackalloc double[4];
                for (var j = 0; j < 4; j++)
                {
                    et[j] = last + j < n ? ep[last + j] : 0;
                    yt[j] = last + j < n ? yp[last + j] : 0;
                }
                var mask = Vector256.Create(-1L, last + 1 < n ? -1L : 0, last + 2 < n ? -1L : 0, 0).AsDouble();  // n − last ≤ 3
                Vector256<double> l2 = zero, d2 = zero, p2 = zero, x2 = zero, o2 = zero, t2 = zero;
                Row(Avx.LoadVector256(et), Avx.LoadVector256(yt), ref l2, ref d2, ref p2, ref x2, ref o2, ref t2);
                llf = Avx.Add(llf, Avx.And(l2, mask));
                deviance = Avx.Add(deviance, Avx.And(d2, mask));
                pearson = Avx.Add(pearson, Avx.And(p2, mask));
                exact = Avx.Add(exact, Avx.And(x2, mask));
                ones = Avx.Add(ones, Avx.And(o2, mask));
                other = Avx.Add(other, Avx.And(t2, mask));
            }
        }
        if (Vector256.Sum(other) != 0) return null;  // proportions: the general formulas (binomial coefficients, y·log y)
        var n1 = Vector256.Sum(ones);
        var n0 = n - n1;
        var mean = n1 / n;
        // Σ y·log ȳ + (1 − y)·log(1 − ȳ), the terms with zero count dropped (0·log 0 = 0).
        var llnull = (n1 == 0 ? 0 : n1 * Math.Log(mean)) + (n0 == 0 ? 0 : n0 * Math.Log(1 - mean));
        return new GlmStatistics.Fit(Vector256.Sum(llf), llnull, Vector256.Sum(deviance), Vector256.Sum(pearson), 1.0, double.NaN,
            (long)Vector256.Sum(exact));
    }

    // One group of four rows into the running sums (llf kernel, deviance, Pearson χ², exact, y = 1 count, y ∉ {0, 1} count).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(Vector256<double> et, Vector256<double> yv, ref Vector256<double> llf, ref Vector256<double> deviance,
        ref Vector256<double> pearson, ref Vector256<double> exact, ref Vector256<double> ones, ref Vector256<double> other)
    {
        var one = Vector256<double>.One;
        var zero = Vector256<double>.Zero;
        var sign = Vector256.Create(-0.0);
        var e = SimdMath.Exp(Avx.Or(et, sign));  // exp(−|η|)
        var inv = Avx.Divide(one, Avx.Add(one, e));
        var mu = Avx.BlendVariable(inv, Avx.Multiply(e, inv), Avx.CompareLessThan(et, zero));
        var log1p = SimdMath.Log1p(e);
        var spPos = Avx.Add(Avx.Max(et, zero), log1p);                      // softplus(η) = −log(1 − μ)
        var spNeg = Avx.Add(Avx.Max(Avx.Subtract(zero, et), zero), log1p);  // softplus(−η) = −log μ
        llf = Avx.Add(llf, Fma.MultiplySubtract(yv, et, spPos));
        var isOne = Avx.CompareEqual(yv, one);
        var isZero = Avx.CompareEqual(yv, zero);
        // 2·(y·log(y/μ) + (1 − y)·log((1 − y)/(1 − μ))) = 2·softplus(−η) for y = 1, 2·softplus(η) for y = 0
        deviance = Fma.MultiplyAdd(Vector256.Create(2.0), Avx.BlendVariable(spPos, spNeg, isOne), deviance);
        var r = Avx.Subtract(yv, mu);
        pearson = Avx.Add(pearson, Avx.Divide(Avx.Multiply(r, r), Avx.Multiply(mu, Avx.Subtract(one, mu))));
        exact = Avx.Add(exact, Avx.And(Avx.CompareLessThan(Avx.AndNot(sign, r), Vector256.Create(1e-8)), one));
        ones = Avx.Add(ones, Avx.And(isOne, one));
        other = Avx.Add(other, Avx.AndNot(Avx.Or(isOne, isZero), one));
    }
}
