using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Degenerate.Statistics;

/// <summary>
/// exp, log, log1p and softplus on four doubles at once (AVX2 + FMA), within about one ulp of the correctly rounded
/// value over the whole double range (subnormals, ±∞ and NaN included), for the GLM's host passes: the per-row
/// exponentials and logarithms there cost more than the arithmetic around them when done one at a time.
/// Callers check <see cref="GlmHostPass.Supported"/> first.
/// </summary>
internal static class SimdMath
{
    // ln 2 split as fdlibm does: Ln2Hi has 21 trailing zero bits, so k·Ln2Hi is exact for |k| < 2^21.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Log2E = 1.4426950408889634;

    // Beyond these e^x overflows to +∞ or rounds to 0 (the range reduction's integer stays small inside them).
    private const double ExpHigh = 710;
    private const double ExpLow = -746;

    // 1/k! for e^r = Σ r^k/k! on |r| ≤ ln2/2: the first omitted term (k = 14) is below 1e-17 relative.
    private const double E2 = 1.0 / 2, E3 = 1.0 / 6, E4 = 1.0 / 24, E5 = 1.0 / 120, E6 = 1.0 / 720, E7 = 1.0 / 5040,
        E8 = 1.0 / 40320, E9 = 1.0 / 362880, E10 = 1.0 / 3628800, E11 = 1.0 / 39916800, E12 = 1.0 / 479001600,
        E13 = 1.0 / 6227020800;

    /// <summary>e^x per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        // Clamped so the integer k stays in range; ±∞ and NaN are restored at the end.
        var xc = Avx.Min(Avx.Max(x, Vector256.Create(ExpLow)), Vector256.Create(ExpHigh));
        var k = Avx.RoundToNearestInteger(Avx.Multiply(xc, Vector256.Create(Log2E)));
        var r = Fma.MultiplyAddNegated(k, Vector256.Create(Ln2Hi), xc);  // exact: k·Ln2Hi is exact
        r = Fma.MultiplyAddNegated(k, Vector256.Create(Ln2Lo), r);
        var p = Vector256.Create(E13);
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E12));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E11));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E10));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E9));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E8));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E7));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E6));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E5));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E4));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E3));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(E2));
        p = Fma.MultiplyAdd(p, r, Vector256<double>.One);
        p = Fma.MultiplyAdd(p, r, Vector256<double>.One);
        // 2^k in two factors 2^(k/2)·2^(k − k/2), each a normal number for k in [−1077, 1025]: the product rounds
        // once, into the subnormals or to ∞ where the true value does.
        var ki = Avx.ConvertToVector128Int32(k);
        var k1 = Sse2.ShiftRightArithmetic(ki, 1);
        var k2 = Sse2.Subtract(ki, k1);
        p = Avx.Multiply(p, Pow2(k1));
        p = Avx.Multiply(p, Pow2(k2));
        // NaN stays NaN (the clamp above replaced it).
        return Avx.BlendVariable(p, x, Avx.CompareUnordered(x, x));
    }

    // 2^k for k in [−1022, 1023], as the bits (k + 1023) << 52.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Pow2(Vector128<int> k)
    {
        var wide = Avx2.ConvertToVector256Int64(Sse2.Add(k, Vector128.Create(1023)));
        return Avx2.ShiftLeftLogical(wide, 52).AsDouble();
    }

    // 2/(2j + 1): log(1+f) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2+f), R(z) = Σⱼ 2zʲ/(2j+1); |s| ≤ 0.1716, so
    // eleven terms leave a relative error below 1e-18.
    private const double L1 = 2.0 / 3, L2 = 2.0 / 5, L3 = 2.0 / 7, L4 = 2.0 / 9, L5 = 2.0 / 11, L6 = 2.0 / 13, L7 = 2.0 / 15,
        L8 = 2.0 / 17, L9 = 2.0 / 19, L10 = 2.0 / 21, L11 = 2.0 / 23;

    private const double Sqrt2 = 1.4142135623730951;

    // 2^52 + 2^51: adding it to a small integer's bits converts int64 to double (AVX2 has no such instruction).
    private const double Magic = 6755399441055744.0;

    /// <summary>ln x per lane (x &lt; 0 or NaN: NaN; ±0: −∞; +∞: +∞).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x)
    {
        // Subnormals: scaled by 2^54 into the normals, the exponent corrected.
        var tiny = Avx.CompareLessThan(x, Vector256.Create(2.2250738585072014e-308));
        var xs = Avx.BlendVariable(x, Avx.Multiply(x, Vector256.Create(18014398509481984.0)), tiny);
        var bits = xs.AsInt64();
        var e = Avx2.Subtract(Avx2.ShiftRightLogical(bits, 52), Vector256.Create(1023L));
        e = Avx2.Subtract(e, Avx2.And(tiny.AsInt64(), Vector256.Create(54L)));
        // The mantissa m in [1, 2), then halved above √2 so that f = m − 1 lies in [√½ − 1, √2 − 1].
        var m = Avx2.Or(Avx2.And(bits, Vector256.Create(0x000F_FFFF_FFFF_FFFFL)), Vector256.Create(0x3FF0_0000_0000_0000L)).AsDouble();
        var big = Avx.CompareGreaterThan(m, Vector256.Create(Sqrt2));
        m = Avx.BlendVariable(m, Avx.Multiply(m, Vector256.Create(0.5)), big);
        e = Avx2.Subtract(e, big.AsInt64());  // big lanes are all ones (−1): e + 1
        var k = Avx.Subtract(Avx2.Add(e, Vector256.Create(Magic).AsInt64()).AsDouble(), Vector256.Create(Magic));
        var f = Avx.Subtract(m, Vector256<double>.One);
        var s = Avx.Divide(f, Avx.Add(f, Vector256.Create(2.0)));
        var z = Avx.Multiply(s, s);
        var r = Vector256.Create(L11);
        r = Fma.MultiplyAdd(r, z, Vector256.Create(L10));
        r = Fma.MultiplyAdd(r, z, Vector256.Create(L9));
        r = Fma.MultiplyAdd(r, z, Vector256.Create(L8));
        r = Fma.MultiplyAdd(r, z, Vector256.Create(L7));
        r = Fma.MultiplyAdd(r, z, Vector256.Create(L6));
        r = Fma.MultiplyAdd(r, z, Vector256.Create(L5));
        r = Fma.MultiplyAdd(r, z, Vector256.Create(L4));
        r = Fma.MultiplyAdd(r, z, Vector256.Create(L3));
        r = Fma.MultiplyAdd(r, z, Vector256.Create(L2));
        r = Fma.MultiplyAdd(r, z, Vector256.Create(L1));
        r = Avx.Multiply(r, z);
        var hfsq = Avx.Multiply(Vector256.Create(0.5), Avx.Multiply(f, f));
        // k·Ln2Hi + (f − (hfsq − (s·(hfsq + R) + k·Ln2Lo))), fdlibm's order: the large terms last.
        var inner = Fma.MultiplyAdd(s, Avx.Add(hfsq, r), Avx.Multiply(k, Vector256.Create(Ln2Lo)));
        var result = Fma.MultiplyAdd(k, Vector256.Create(Ln2Hi), Avx.Subtract(f, Avx.Subtract(hfsq, inner)));
        // Special values: 0 → −∞, +∞ → +∞, negative or NaN → NaN.
        result = Avx.BlendVariable(result, Vector256.Create(double.NegativeInfinity), Avx.CompareEqual(x, Vector256<double>.Zero));
        result = Avx.BlendVariable(result, x, Avx.CompareEqual(x, Vector256.Create(double.PositiveInfinity)));
        return Avx.BlendVariable(result, Vector256.Create(double.NaN), Avx.CompareNotGreaterThanOrEqual(x, Vector256<double>.Zero));
    }

    /// <summary>ln(1 + u) per lane, accurate for small u (u &gt; −1; −1: −∞).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log1p(Vector256<double> u)
    {
        // w = 1 + u rounds; (u − (w − 1))/w is the first-order correction for that rounding (exact w − 1 for w in
        // [½, 2], and negligible beyond).
        var w = Avx.Add(u, Vector256<double>.One);
        var c = Avx.Divide(Avx.Subtract(u, Avx.Subtract(w, Vector256<double>.One)), w);
        c = Avx.BlendVariable(c, Vector256<double>.Zero, Avx.CompareEqual(w, Vector256<double>.Zero));  // u = −1: −∞, not 0/0
        var result = Avx.Add(Log(w), c);
        // u = +∞ makes c NaN (∞ − ∞): ln(1 + ∞) = ∞.
        return Avx.BlendVariable(result, u, Avx.CompareEqual(u, Vector256.Create(double.PositiveInfinity)));
    }

    /// <summary>softplus(x) = ln(1 + eˣ) = max(x, 0) + ln(1 + e^−|x|) per lane, without overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Softplus(Vector256<double> x)
    {
        var abs = Avx.AndNot(Vector256.Create(-0.0), x);
        var result = Avx.Add(Avx.Max(x, Vector256<double>.Zero), Log1p(Exp(Avx.Subtract(Vector256<double>.Zero, abs))));
        return Avx.BlendVariable(result, x, Avx.CompareUnordered(x, x));
    }
}
