using Degenerate.Tensors;

namespace Degenerate.Tests.Tensors;

public class EngineTests
{
    // The engine this test process runs: DEGENERATE_ENGINE when set, else the first installed in preference order.
    private static string Expected =>
        Environment.GetEnvironmentVariable(Engine.EnvironmentVariable) is { Length: > 0 } chosen
            ? chosen.Trim().ToLowerInvariant()
            : Engine.Known.First(k => Engine.Installed.Contains(k));

    [Fact]
    public void TheProcessRunsTheChosenEngine()
    {
        using var t = Tensor.Ones([2]);
        Assert.Equal(Expected, Engine.Name);
        Assert.Contains(Engine.Name, Engine.Installed);
        Assert.Matches(@"^\d+\.\d+\.\d+", Engine.TorchVersion);
        Assert.Equal(Device.CPU, Engine.Devices[0]);
        Assert.Equal(1 + Device.CudaDeviceCount, Engine.Devices.Count);
        Assert.StartsWith($"{Engine.Name} engine, libtorch {Engine.TorchVersion}", Engine.Describe());
    }

    [Fact]
    public void TheKnownEnginesAreTorchSharpThenNative()
    {
        Assert.Equal(["torchsharp", "native"], Engine.Known);
        // The suite is built with both engines (the GPU bundle without TorchSharp), in preference order.
        Assert.Contains("native", Engine.Installed);
        Assert.Equal(Engine.Known.Where(Engine.Installed.Contains), Engine.Installed);
    }

    [Fact]
    public void ChoosingTheRunningEngineAgainIsANoOp()
    {
        using var t = Tensor.Ones([1]);
        Engine.Use(Engine.Name);
        Engine.Use(" " + Engine.Name.ToUpperInvariant() + " ");
        Assert.Equal(Expected, Engine.Name);
    }

    [Fact]
    public void AnotherEngineCannotStartOnceOneRuns()
    {
        using var t = Tensor.Ones([1]);
        var other = Engine.Known.First(k => k != Engine.Name);
        var e = Assert.Throws<InvalidOperationException>(() => Engine.Use(other));
        Assert.Contains($"the {Engine.Name} engine is already running", e.Message);
        Assert.Contains("one libtorch per process", e.Message);
        Assert.Contains(Engine.EnvironmentVariable, e.Message);
    }

    [Fact]
    public void AnUnknownEngineIsRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => Engine.Use("tensorflow"));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("unknown engine 'tensorflow'", e.Message);
        Assert.Contains("torchsharp, native", e.Message);
    }
}
