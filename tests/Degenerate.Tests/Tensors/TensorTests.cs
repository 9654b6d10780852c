using Degenerate.Tensors;

namespace Degenerate.Tests.Tensors;

public class TensorTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void LibtorchErrorBecomesTorchExceptionAndTheProcessGoesOn(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var a = Tensor.Ones([2, 3], device: device);
        using var b = Tensor.Ones([4, 5], device: device);

        var e = Assert.Throws<TorchException>(() => a.MatMul(b));

        // A message with both shapes (libtorch's own on the native engine, the engine's check on TorchSharp, whose
        // matmul is unguarded), and no C++ backtrace.
        Assert.Matches(@"2x3|\[2, 3\]", e.Message);
        Assert.Matches(@"4x5|\[4, 5\]", e.Message);
        Assert.DoesNotContain("Exception raised from", e.Message);
        // Both tensors and the library still work afterwards.
        using var bt = b.Slice(0, 0, 3);
        using var product = a.MatMul(bt);
        Assert.Equal([2L, 5L], product.Shape);
        Assert.All(product.ToArray<float>(), v => Assert.Equal(3f, v));
    }

    [Fact]
    public void ErrorMessageIsPerCallNotSticky()
    {
        using var a = Tensor.Ones([2, 2]);
        using var b = Tensor.Ones([3, 3]);
        Assert.Throws<TorchException>(() => a + b);
        using var ok = a + a; // a later successful call does not rethrow the old error
        Assert.Equal(2f, ok.ToArray<float>()[0]);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void BulkRoundTripKeepsEveryElementForEachType(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        float[] f = [1.5f, -0f, float.MaxValue, float.Epsilon, -3.25f, float.NaN];
        double[] d = [Math.PI, -1e300, double.Epsilon, 0.1, double.NegativeInfinity];
        long[] l = [long.MinValue, -1, 0, long.MaxValue];
        int[] i = [int.MinValue, -7, 0, 42, int.MaxValue];
        bool[] b = [true, false, false, true];

        using (var t = Tensor.FromArray(f, device))
        {
            Assert.Equal(DType.Float32, t.DType);
            Assert.Equal(device, t.Device);
            Assert.Equal(BitsOf(f), BitsOf(t.ToArray<float>()));
        }
        using (var t = Tensor.FromArray(d, device))
        {
            Assert.Equal(DType.Float64, t.DType);
            Assert.Equal(d, t.ToArray<double>());
        }
        using (var t = Tensor.FromArray(l, device)) Assert.Equal(l, t.ToArray<long>());
        using (var t = Tensor.FromArray(i, device))
        {
            Assert.Equal(DType.Int32, t.DType);
            Assert.Equal(i, t.ToArray<int>());
        }
        using (var t = Tensor.FromArray(b, device))
        {
            Assert.Equal(DType.Bool, t.DType);
            Assert.Equal(b, t.ToArray<bool>());
        }
    }

    private static int[] BitsOf(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void RectangularArraysKeepRowMajorOrder(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] m = { { 1, 2, 3 }, { 4, 5, 6 } };
        using var t = Tensor.FromArray(m, device);
        Assert.Equal([2L, 3L], t.Shape);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], t.ToArray<double>());
        using var col = t.Slice(1, 2, 3); // a non-contiguous view is copied out correctly
        Assert.Equal([3.0, 6], col.ToArray<double>());
        Assert.Equal(m, t.ToArray2D<double>());
        using var shaped = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2], device);
        Assert.Equal(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, shaped.ToArray2D<float>());
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void DTypeConversionOnTheWayInAndOut(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using (var t = Tensor.FromArray(new[] { 1, -2, 300 }, device, DType.Float32))
        {
            Assert.Equal(DType.Float32, t.DType);
            Assert.Equal(device, t.Device);
            Assert.Equal([1f, -2f, 300f], t.ToArray<float>());
        }
        using (var t = Tensor.FromArray(new[] { 0.1, 1.0 / 3 }, device, DType.Float32))
        {
            // Rounded to float32 once, then widened exactly.
            Assert.Equal([(double)0.1f, (double)(1f / 3)], t.ToArray<double>());
        }
        using (var t = Tensor.FromArray(new[] { 2.7, -2.7, 0.5 }, device))
        {
            // Float to integer truncates toward zero, like a C# cast.
            Assert.Equal([2L, -2L, 0L], t.ToArray<long>());
        }
        using (var t = Tensor.FromArray(new long[] { 0, 3 }, device))
            Assert.Equal([false, true], t.ToArray<bool>());
    }

    [Fact]
    public void EmptyArraysRoundTrip()
    {
        using var t = Tensor.FromArray(new float[0, 4]);
        Assert.Equal([0L, 4L], t.Shape);
        Assert.Empty(t.ToArray<float>());
    }

    [Fact]
    public void ShapeThatDoesNotMatchTheDataIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[5], [2, 3]));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("5", e.Message);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void SoftmaxRowsSumToOneAndMatchTheDefinition(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] z = { { 1, 2, 3, 4 }, { -5, 0, 5, 0.5 }, { 1000, -1000, 999, 0 }, { 0, 0, 0, 0 } };
        using var t = Tensor.FromArray(z, device);
        using var s = t.Softmax(-1);
        var p = s.ToArray2D<double>();
        for (var r = 0; r < 4; r++)
        {
            var max = Enumerable.Range(0, 4).Max(c => z[r, c]);
            var denominator = Enumerable.Range(0, 4).Sum(c => Math.Exp(z[r, c] - max));
            var sum = 0.0;
            for (var c = 0; c < 4; c++)
            {
                Assert.True(double.IsFinite(p[r, c]));
                Assert.Equal(Math.Exp(z[r, c] - max) / denominator, p[r, c], 1e-12);
                sum += p[r, c];
            }
            Assert.Equal(1.0, sum, 1e-12);
        }

        using var f = Tensor.RandNormal([64, 10], 0, 10, DType.Float32, device);
        using var fs = f.Softmax(-1);
        using var rowSums = fs.Sum(1);
        Assert.All(rowSums.ToArray<float>(), v => Assert.Equal(1f, v, 1e-5f));
    }

    [Fact]
    public void ScalarsAndInspection()
    {
        using var t = Tensor.Full([2, 3], 1.25, DType.Float64);
        Assert.Equal(2, t.Rank);
        Assert.Equal(6, t.NumElements);
        Assert.Equal(3, t.Size(-1));
        Assert.Equal("[2, 3]", t.ShapeString);
        using var sum = t.Sum();
        Assert.Equal(7.5, sum.Item());
        Assert.Equal("Tensor(float64, [2, 3], cpu)", t.ToString());
    }

    [Fact]
    public void ACpuTensorLargerThanTheMachineIsRefusedUpFront()
    {
        var e = Assert.Throws<InsufficientMemoryException>(() => Tensor.Zeros([1L << 20, 1L << 20], DType.Float64));
        Assert.Contains("shape [1048576, 1048576] needs 8192.0 GiB", e.Message);
        // Through a layer: the initializer's tensor is checked before libtorch allocates it.
        using var model = new Degenerate.Models.Sequential(new Degenerate.Layers.Dense(2_000_000_000)) { Device = Device.CPU };
        Assert.Throws<InsufficientMemoryException>(() => model.Build(100_000));
        // Ordinary sizes are untouched.
        using var fine = Tensor.Zeros([1000, 1000]);
        Assert.Equal(1_000_000, fine.NumElements);
    }
}
