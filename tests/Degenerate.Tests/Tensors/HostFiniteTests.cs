using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Tests.Tensors;

/// <summary>The in-place finiteness scan (HostFinite, TorchSharp's AllFinite) against the definition, value by value.</summary>
public class HostFiniteTests
{
    [Fact]
    public unsafe void FindsEveryNonFiniteValueWhereverItSits()
    {
        foreach (var length in new[] { 0, 1, 3, 7, 8, 9, 16, 17, 33 })
        {
            var d = new double[length];
            var f = new float[length];
            for (var i = 0; i < length; i++) (d[i], f[i]) = (i % 2 == 0 ? double.MaxValue : -double.Epsilon, i % 3 == 0 ? float.MaxValue : -1e-40f);
            fixed (double* pd = d)
            fixed (float* pf = f)
            {
                Assert.True(HostFinite.All(pd, length, DType.Float64));
                Assert.True(HostFinite.All(pf, length, DType.Float32));
                for (var bad = 0; bad < length; bad++)
                    foreach (var v in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                    {
                        (d[bad], f[bad]) = (v, (float)v);
                        Assert.False(HostFinite.All(pd, length, DType.Float64), $"{v} at {bad} of {length} (float64)");
                        Assert.False(HostFinite.All(pf, length, DType.Float32), $"{v} at {bad} of {length} (float32)");
                        (d[bad], f[bad]) = (1, 1);
                    }
            }
        }
        Assert.Throws<ArgumentException>(() => HostFinite.All(null, 0, DType.Int64));
    }

    [Fact]
    public void TensorAllFiniteAgreesOnEveryLayout()
    {
        var values = new double[] { 1, -2, 3e300, 4, 5, 6 };
        using var t = Tensor.FromArray(values, [2L, 3L], Device.CPU, DType.Float64);
        using var f = t.To(DType.Float32, Device.CPU);  // 3e300 overflows to ∞ in float32
        using var transposed = t.Transpose(0, 1);       // not contiguous: the engine's own check
        Assert.True(t.AllFinite());
        Assert.False(f.AllFinite());
        Assert.True(transposed.AllFinite());
        values[4] = double.NaN;
        using var withNaN = Tensor.FromArray(values, [2L, 3L], Device.CPU, DType.Float64);
        using var withNaNTransposed = withNaN.Transpose(0, 1);
        Assert.False(withNaN.AllFinite());
        Assert.False(withNaNTransposed.AllFinite());
    }
}
