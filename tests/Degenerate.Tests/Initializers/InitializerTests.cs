using Degenerate.Initializers;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Initializers;

public class InitializerTests
{
    [Fact]
    public void DenseDefaultsAreGlorotUniformKernelAndZeroBias()
    {
        var dense = new Dense(300, inputDim: 200);
        Assert.IsType<GlorotUniform>(dense.KernelInitializer);
        Assert.IsType<Zeros>(dense.BiasInitializer);
        using var model = new Sequential(dense) { DType = DType.Float64, Device = Device.CPU };
        var kernel = dense.Kernel!.ToArray<double>();
        var bias = dense.Bias!.ToArray<double>();

        // Uniform on [−l, l] with l = √(6/(fan_in + fan_out)): every value inside, variance l²/3.
        var limit = Math.Sqrt(6.0 / (200 + 300));
        Assert.All(kernel, v => Assert.InRange(v, -limit, limit));
        var variance = kernel.Select(v => v * v).Average();
        Assert.Equal(limit * limit / 3, variance, limit * limit / 3 * 0.02); // 60,000 draws: within 2%
        Assert.True(kernel.Max() > 0.99 * limit && kernel.Min() < -0.99 * limit);
        Assert.All(bias, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void OtherInitializersHaveTheirKerasScales()
    {
        using var he = new HeUniform().Create([400, 100], DType.Float64, Device.CPU);
        var limit = Math.Sqrt(6.0 / 400);
        Assert.All(he.ToArray<double>(), v => Assert.InRange(v, -limit, limit));
        using var normal = new RandomNormal(1.0, 0.05).Create([40000], DType.Float64, Device.CPU);
        var values = normal.ToArray<double>();
        Assert.Equal(1.0, values.Average(), 0.002);
        Assert.Equal(0.05, Math.Sqrt(values.Select(v => (v - 1) * (v - 1)).Average()), 0.002);
        using var constant = Initializer.Get("ones").Create([3], DType.Float32, Device.CPU);
        Assert.Equal([1f, 1f, 1f], constant.ToArray<float>());
        Assert.Equal("glorot_uniform", ((Initializer)"glorot_uniform").Name);
    }
}
