using static TorchSharp.torch;

namespace Degenerate.Engines.TorchSharp.Tests;

/// <summary>TorchSharp computes correctly in this process once loaded: numbers checked against hand computation.</summary>
public class TorchSharpComputationTests
{
    public TorchSharpComputationTests() => TorchSharpLoader.EnsureLoaded();

    [Fact]
    public void Float64_matmul_equals_the_hand_computed_product()
    {
        using var a = tensor(new double[] { 1, 2, 3, 4, 5, 6 }, [2, 3], ScalarType.Float64);
        using var b = tensor(new double[] { 7, 8, 9, 10, 11, 12 }, [3, 2], ScalarType.Float64);
        using var c = GuardedOps.Matmul(a, b);
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [1·7+2·9+3·11, 1·8+2·10+3·12; 4·7+5·9+6·11, 4·8+5·10+6·12]
        Assert.Equal(new long[] { 2, 2 }, c.shape);
        Assert.Equal(ScalarType.Float64, c.dtype);
        Assert.Equal(new double[] { 58, 64, 139, 154 }, c.data<double>().ToArray());
    }

    [Fact]
    public void Float64_matmul_of_random_matrices_matches_a_managed_triple_loop()
    {
        var rng = new System.Random(11);
        double[] x = Enumerable.Range(0, 5 * 7).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] y = Enumerable.Range(0, 7 * 4).Select(_ => rng.NextDouble() - 0.5).ToArray();
        using var a = tensor(x, [5, 7], ScalarType.Float64);
        using var b = tensor(y, [7, 4], ScalarType.Float64);
        var got = GuardedOps.Matmul(a, b).data<double>().ToArray();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 4; j++)
            {
                double s = 0;
                for (int k = 0; k < 7; k++) s += x[i * 7 + k] * y[k * 4 + j];
                Assert.Equal(s, got[i * 4 + j], 1e-14);
            }
    }

    [Fact]
    public void Backward_of_sum_of_x_cubed_plus_sin_x_gives_3x2_plus_cos_x()
    {
        double[] values = [0.5, -1.25, 2.0];
        using var x = tensor(values, [3], ScalarType.Float64, requires_grad: true);
        using var y = (x.pow(3) + x.sin()).sum();
        y.backward();
        var grad = x.grad!.data<double>().ToArray();
        // d/dx (x³ + sin x) = 3x² + cos x
        for (int i = 0; i < 3; i++) Assert.Equal(3 * values[i] * values[i] + Math.Cos(values[i]), grad[i], 1e-15);
        Assert.Equal(values.Sum(v => v * v * v + Math.Sin(v)), y.item<double>(), 1e-14);
    }

    [Fact]
    public void Backward_through_matmul_gives_row_sums_of_the_other_operand()
    {
        using var a = tensor(new double[] { 1, 2, 3, 4 }, [2, 2], ScalarType.Float64, requires_grad: true);
        using var b = tensor(new double[] { 5, 6, 7, 8 }, [2, 2], ScalarType.Float64);
        using var loss = GuardedOps.Matmul(a, b).sum();
        loss.backward();
        // L = Σᵢⱼ Σₖ a[i,k]·b[k,j]  ⇒  ∂L/∂a[i,k] = Σⱼ b[k,j]: 5+6 = 11, 7+8 = 15 in every row.
        Assert.Equal(new double[] { 11, 15, 11, 15 }, a.grad!.data<double>().ToArray());
        Assert.Equal(1 * 11 + 2 * 15 + 3 * 11 + 4 * 15, loss.item<double>());
    }
}
