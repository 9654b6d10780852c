using static TorchSharp.torch;

namespace Degenerate.Engines.TorchSharp.Tests;

/// <summary>
/// Shapes that libtorch rejects inside TorchSharp's unguarded THSTensor_matmul (which would end the process) become
/// ArgumentExceptions, and the process goes on computing.
/// </summary>
public class GuardedOpsTests
{
    public GuardedOpsTests() => TorchSharpLoader.EnsureLoaded();

    private static Tensor Zeros(params long[] shape) => zeros(shape, ScalarType.Float64);

    [Theory]
    [InlineData(new long[] { 2, 3 }, new long[] { 2, 3 }, "(3)", "(2)")]
    [InlineData(new long[] { 3 }, new long[] { 4 }, "(3)", "(4)")]
    [InlineData(new long[] { 2, 3 }, new long[] { 4 }, "(3)", "(4)")]
    [InlineData(new long[] { 5 }, new long[] { 4, 2 }, "(5)", "(4)")]
    [InlineData(new long[] { 2, 2, 3 }, new long[] { 3, 3, 4 }, "2 against 3", "[3, 3, 4]")]
    [InlineData(new long[] { 4, 1, 2, 3 }, new long[] { 2, 5, 3, 4 }, "4 against 2", "[4, 1, 2, 3]")]
    public void A_shape_mismatch_is_an_ArgumentException_naming_both_shapes(long[] sa, long[] sb, string part1, string part2)
    {
        using var a = Zeros(sa);
        using var b = Zeros(sb);
        var e = Assert.Throws<ArgumentException>(() => GuardedOps.Matmul(a, b));
        Assert.Equal("b", e.ParamName);
        Assert.Contains($"[{string.Join(", ", sa)}]", e.Message);
        Assert.Contains($"[{string.Join(", ", sb)}]", e.Message);
        Assert.Contains(part1, e.Message);
        Assert.Contains(part2, e.Message);
        // The process is alive and computes afterwards.
        using var ok = GuardedOps.Matmul(ones([2, 3], ScalarType.Float64), ones([3, 2], ScalarType.Float64));
        Assert.Equal(new double[] { 3, 3, 3, 3 }, ok.data<double>().ToArray());
    }

    [Fact]
    public void A_scalar_operand_is_refused()
    {
        using var s = tensor(2.0);
        using var v = Zeros(3);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => GuardedOps.Matmul(s, v)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => GuardedOps.Matmul(v, s)).ParamName);
    }

    [Fact]
    public void Mixed_dtypes_are_refused()
    {
        using var a = zeros([2, 3], ScalarType.Float32);
        using var b = Zeros(3, 2);
        var e = Assert.Throws<ArgumentException>(() => GuardedOps.Matmul(a, b));
        Assert.Contains("Float32", e.Message);
        Assert.Contains("Float64", e.Message);
    }

    [Theory]
    [InlineData(new long[] { 3 }, new long[] { 3 }, new long[] { })]
    [InlineData(new long[] { 3 }, new long[] { 3, 4 }, new long[] { 4 })]
    [InlineData(new long[] { 2, 3 }, new long[] { 3 }, new long[] { 2 })]
    [InlineData(new long[] { 2, 1, 2, 3 }, new long[] { 5, 3, 4 }, new long[] { 2, 5, 2, 4 })]
    [InlineData(new long[] { 7, 2, 3 }, new long[] { 3, 4 }, new long[] { 7, 2, 4 })]
    [InlineData(new long[] { 3 }, new long[] { 6, 3, 2 }, new long[] { 6, 2 })]
    public void Valid_shapes_pass_through_with_torch_matmul_shapes(long[] sa, long[] sb, long[] expected)
    {
        using var a = ones(sa, ScalarType.Float64);
        using var b = ones(sb, ScalarType.Float64);
        using var c = GuardedOps.Matmul(a, b);
        Assert.Equal(expected, c.shape);
        // Every entry of a product of ones is the contracted length.
        Assert.All(c.data<double>().ToArray(), v => Assert.Equal(sa[^1], v));
    }
}
