using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// The activations of the blocked predict kernel on 256-bit vectors of float32 or float64, with the accuracy of
/// libtorch's own (Sleef's 1-ulp functions): sigmoid as 1 / (1 + exp(−z)), as libtorch writes it; tanh through exp in
/// float64 (float32 lanes are widened, so their tanh is correctly rounded but for rare ties) with a Taylor polynomial
/// near 0, where 1 − 2 / (e^{2|z|} + 1) would cancel; relu keeping NaN, as libtorch's clamp does.
/// </summary>
internal static class VectorActivations<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>a · b + c in one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    /// <summary>max(z, 0), NaN staying NaN (0 &gt; NaN is false, so NaN lanes keep z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Relu(Vector256<T> z) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256<T>.Zero, z), Vector256<T>.Zero, z);

    /// <summary>e^z (the runtime's vectorized exp: within 2 ulp in float32, 1 in float64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> z)
    {
        if (typeof(T) == typeof(float)) return Vector256.Exp(z.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.Exp(z.AsDouble()).As<double, T>();
        throw new NotSupportedException($"vector exp of {typeof(T).Name}");
    }

    /// <summary>1 / (1 + e^−z): e^−z = ∞ gives 0 and NaN stays NaN, as in libtorch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sigmoid(Vector256<T> z) =>
        Vector256<T>.One / (Vector256<T>.One + Exp(-z));

    /// <summary>tanh z (float32 lanes computed in float64 and rounded once).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Tanh(Vector256<T> z)
    {
        if (typeof(T) == typeof(double)) return TanhDouble(z.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float))
        {
            var (lo, hi) = Vector256.Widen(z.AsSingle());
            return Vector256.Narrow(TanhDouble(lo), TanhDouble(hi)).As<float, T>();
        }
        throw new NotSupportedException($"vector tanh of {typeof(T).Name}");
    }

    // Below |z| = 0.03 the series to z⁹ is exact in float64 (the next term is under 1e-17 of z); above it the
    // cancellation of 1 − q costs at most a factor 1 / tanh(0.03) ≈ 33 of an ulp's 2.2e-16.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TanhDouble(Vector256<double> z)
    {
        var t = Vector256.Abs(z);
        var e = Vector256.Exp(t + t);
        var far = Vector256<double>.One - Vector256.Create(2.0) / (e + Vector256<double>.One);  // e = ∞ gives 1
        var t2 = t * t;
        var series = Vector256.Create(62.0 / 2835);
        series = Vector256.FusedMultiplyAdd(series, t2, Vector256.Create(-17.0 / 315));
        series = Vector256.FusedMultiplyAdd(series, t2, Vector256.Create(2.0 / 15));
        series = Vector256.FusedMultiplyAdd(series, t2, Vector256.Create(-1.0 / 3));
        series = Vector256.FusedMultiplyAdd(series * t2, t, t);
        var magnitude = Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256.Create(0.03)), series, far);
        // The sign of z on the magnitude (NaN lanes: t is NaN, the comparison false, far is NaN).
        return Vector256.ConditionalSelect(Vector256.Create(-0.0), z, magnitude);
    }

    /// <summary>
    /// Applies activation <paramref name="act"/> (ManagedFusedKernels' codes 0-3) to <paramref name="count"/> elements
    /// at <paramref name="z"/>, a whole number of vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // no slow first tier: a process's first predict is timed too
    public static unsafe void Activate(int act, T* z, long count)
    {
        var lanes = Vector256<T>.Count;
        switch (act)
        {
            case ManagedFusedKernels.Linear:
                break;
            case ManagedFusedKernels.SigmoidCode:
                for (long i = 0; i < count; i += lanes) Vector256.Store(Sigmoid(Vector256.Load(z + i)), z + i);
                break;
            case ManagedFusedKernels.Relu:
                for (long i = 0; i < count; i += lanes) Vector256.Store(Relu(Vector256.Load(z + i)), z + i);
                break;
            case ManagedFusedKernels.Tanh:
                for (long i = 0; i < count; i += lanes) Vector256.Store(Tanh(Vector256.Load(z + i)), z + i);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(act), act, "elementwise activation codes are 0-3");
        }
    }

    /// <summary>
    /// Softmax across <paramref name="units"/> features of feature-major rows (feature j of row r at z[j·stride + r]),
    /// <paramref name="rows"/> a whole number of vectors: exp(z − max) / Σ, as libtorch computes it, a vector of rows at
    /// a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Softmax(T* z, long units, long stride, long rows)
    {
        for (long r = 0; r < rows; r += Vector256<T>.Count)
        {
            var max = Vector256.Load(z + r);
            for (long j = 1; j < units; j++) max = Vector256.Max(max, Vector256.Load(z + j * stride + r));
            var sum = Vector256<T>.Zero;
            for (long j = 0; j < units; j++)
            {
                var e = Exp(Vector256.Load(z + j * stride + r) - max);
                Vector256.Store(e, z + j * stride + r);
                sum += e;
            }
            for (long j = 0; j < units; j++) Vector256.Store(Vector256.Load(z + j * stride + r) / sum, z + j * stride + r);
        }
    }
}
