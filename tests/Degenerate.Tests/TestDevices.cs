using Degenerate.Tensors;

namespace Degenerate.Tests;

/// <summary>
/// Device parametrization: numeric tests take a device name from <see cref="All"/> and call <see cref="Get"/>, which
/// skips the test (reported as skipped, with the reason) when that device is absent. Every test that runs on the CPU
/// therefore also runs on CUDA where CUDA exists. Tests that take no device use <see cref="Device.Default"/>, which is
/// CUDA on a GPU machine (and whatever DEGENERATE_DEVICE names when it is set, as benchmarks/gpu/run.sh does); a test
/// that must run on the CPU wherever it runs says so with <c>Device = Device.CPU</c>.
/// </summary>
public static class TestDevices
{
    /// <summary>Theory data: "cpu" and "cuda".</summary>
    public static TheoryData<string> All => new() { "cpu", "cuda" };

    /// <summary>The device for a name, or a skip when it is not available here.</summary>
    public static Device Get(string name)
    {
        if (name == "cpu") return Device.CPU;
        Skip.IfNot(Device.CudaIsAvailable, Device.CudaAbsenceReason());
        return Device.Cuda(0);
    }

    /// <summary>Float32 tolerance on CUDA (TF32 and reordered sums), exact-ish on CPU.</summary>
    public static double Tolerance(Device device, double cpu) => device.Type == DeviceType.Cuda ? Math.Max(cpu, 1e-4) : cpu;
}
