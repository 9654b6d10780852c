using Degenerate.Tensors;

namespace Degenerate.Tests.Tensors;

public class DeviceTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    [InlineData("Cpu\n")]
    public void ParseAcceptsCpuSpellings(string text) => Assert.Equal(Device.CPU, Device.Parse(text));

    [Theory]
    [InlineData("tpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("cuda: 1")]
    [InlineData("cuda:")]
    [InlineData("")]
    public void ParseRejectsUnknownNamesNamingThem(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains("expected cpu, cuda or cuda:N", e.Message);
    }

    [SkippableFact]
    public void CudaWhenAbsentSaysWhyAndWhatToDo()
    {
        Skip.If(Device.CudaIsAvailable, "CUDA is available here: the error for its absence cannot occur");
        var e = Assert.Throws<InvalidOperationException>(() => Device.Cuda(0));
        Assert.Contains("cuda:0 requested", e.Message);
        Assert.Contains("Device.CPU", e.Message);
        if (Engine.CudaVersion is null && Engine.Name == "native")
        {
            Assert.Contains($"libtorch {Engine.TorchVersion}, which has no CUDA", e.Message);
            Assert.Contains("DEGENERATE_LIBTORCH_USE_PYTORCH=1", e.Message);
        }
        else if (Engine.CudaVersion is null)
        {
            Assert.Contains($"the {Engine.Name} engine runs libtorch {Engine.TorchVersion} without CUDA", e.Message);
            Assert.Contains("TorchSharp's CUDA package", e.Message);
        }
        // Parse goes through the same check.
        Assert.Throws<InvalidOperationException>(() => Device.Parse("cuda:1"));
        Assert.Throws<InvalidOperationException>(() => Device.Parse("gpu"));
    }

    [SkippableFact]
    public void CudaIndexBeyondTheGpusIsRejected()
    {
        Skip.IfNot(Device.CudaIsAvailable, Device.CudaAbsenceReason());
        var count = Device.CudaDeviceCount;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Device.Cuda(count));
        Assert.Equal("index", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Device.Cuda(-1));
        Assert.Equal(Device.Cuda(0), Device.Parse("cuda"));
        Assert.Equal(Device.Cuda(count - 1), Device.Parse($"CUDA:{count - 1}"));
        Assert.NotNull(Engine.CudaVersion);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void UnsetEnvironmentMeansCudaWhenPresentElseCpu(string? setting)
    {
        var expected = Device.CudaIsAvailable ? Device.Cuda(0) : Device.CPU;
        Assert.Equal(expected, Device.Resolve(setting));
    }

    [Fact]
    public void EnvironmentCanForceTheCpu() => Assert.Equal(Device.CPU, Device.Resolve("cpu"));

    [Fact]
    public void BadEnvironmentValueNamesTheVariable()
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Resolve("cuda0"));
        Assert.Equal(Device.EnvironmentVariable, e.ParamName);
        Assert.Contains("DEGENERATE_DEVICE='cuda0' is not a device", e.Message);
    }

    [SkippableFact]
    public void EnvironmentAskingForAbsentCudaNamesTheVariable()
    {
        Skip.If(Device.CudaIsAvailable, "CUDA is available here");
        var e = Assert.Throws<InvalidOperationException>(() => Device.Resolve("cuda"));
        Assert.StartsWith("DEGENERATE_DEVICE='cuda': CUDA device cuda:0 requested", e.Message);
    }

    [Fact]
    public void DefaultFollowsTheEnvironmentOfThisProcess()
    {
        // Whatever DEGENERATE_DEVICE is in this run (unset on CI, "cpu" or "cuda" in the GPU bundle's runs).
        Assert.Equal(Device.Resolve(Environment.GetEnvironmentVariable(Device.EnvironmentVariable)), Device.Default);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void NameRoundTripsThroughParse(string name)
    {
        var device = TestDevices.Get(name);
        Assert.Equal(name == "cpu" ? "cpu" : "cuda:0", device.ToString());
        Assert.Equal(device, Device.Parse(device.ToString()));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void TensorsMoveToTheDeviceAndBackExactly(string name)
    {
        var device = TestDevices.Get(name);
        double[] values = [1.5, -2.25, 3e-300, double.MaxValue, 0.1];
        using var t = Tensor.FromArray(values, device);
        Assert.Equal(device, t.Device);
        Assert.Equal(values, t.ToArray<double>());
        using var f = t.To(DType.Float32);
        Assert.Equal(device, f.Device);
        Assert.Equal(values.Select(v => (float)v).ToArray(), f.ToArray<float>());
        using var host = t.To(DType.Float64, Device.CPU);
        Assert.Equal(Device.CPU, host.Device);
        Assert.Equal(values, host.ToArray<double>());
        using var back = host.To(DType.Float64, device);
        Assert.True(back.ExactlyEquals(t));
    }

    [SkippableFact]
    public void MixingDevicesInOneOperationFailsWithLibtorchsMessage()
    {
        Skip.IfNot(Device.CudaIsAvailable, Device.CudaAbsenceReason());
        using var a = Tensor.FromArray(new float[] { 1, 2 }, Device.Cuda(0));
        using var b = Tensor.FromArray(new float[] { 3, 4 }, Device.CPU);
        var e = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.Contains("device", e.Message);
    }
}
