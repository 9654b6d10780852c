using Degenerate.Tensors;

namespace Degenerate.Tests.Tensors;

public class DeviceTests
{
    [Fact]
    public void CpuAndParsing()
    {
        Assert.Equal("cpu", Device.CPU.ToString());
        Assert.Equal(Device.CPU, Device.Parse(" CPU "));
        var e = Assert.Throws<ArgumentException>(() => Device.Parse("tpu"));
        Assert.Equal("text", e.ParamName);
        Assert.Contains("tpu", e.Message);
        Assert.Matches(@"^\d+\.\d+", Engine.TorchVersion);
    }

    [SkippableFact]
    public void AskingForCudaWithoutCudaIsAClearError()
    {
        Skip.If(Device.CudaIsAvailable, "CUDA is available here");
        var e = Assert.Throws<InvalidOperationException>(() => Device.Cuda(0));
        Assert.Contains("CUDA", e.Message);
        Assert.Contains("Device.CPU", e.Message);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DEGENERATE_DEVICE")))
            Assert.Equal(Device.CPU, Device.Default); // without a GPU the default is the CPU
    }

    [SkippableFact]
    public void CudaTensorsRoundTrip()
    {
        Skip.IfNot(Device.CudaIsAvailable, "CUDA is not available");
        using var t = Tensor.FromArray(new[] { 1.0, 2.0 }, Device.Cuda(0));
        Assert.Equal("cuda:0", t.Device.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => Device.Cuda(Device.CudaDeviceCount));
        Assert.Equal([1.0, 2.0], t.ToArray<double>());
    }
}
