using System.Runtime.InteropServices;

namespace Degenerate.Tensors;

/// <summary>Process-wide facts and settings of the libtorch engine under Degenerate.</summary>
public static class Engine
{
    /// <summary>The libtorch version the native shim was compiled against, e.g. "1.13.1".</summary>
    public static string TorchVersion => Marshal.PtrToStringUTF8(Native.dg_torch_version()) ?? "unknown";

    /// <summary>
    /// The CUDA runtime version libtorch was built with, e.g. "12.8"; null when this libtorch has no CUDA (then no GPU
    /// can be used, whatever the hardware).
    /// </summary>
    public static string? CudaVersion
    {
        get
        {
            var v = Native.dg_cuda_runtime_version();
            return v <= 0 ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{v / 1000}.{v % 1000 / 10}");
        }
    }

    /// <summary>libtorch's intra-op thread count (CPU parallelism of one operation).</summary>
    public static int Threads
    {
        get => Native.dg_get_num_threads();
        set
        {
            if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), value, "thread count must be positive");
            Native.Check(Native.dg_set_num_threads(value));
        }
    }

    /// <summary>Allows TF32 tensor cores for float32 matrix products on CUDA (faster, about 1e-3 relative error).</summary>
    public static void AllowTF32(bool allow) => Native.Check(Native.dg_set_float32_matmul_precision(allow ? 1 : 0));

    /// <summary>Waits until all queued work on a CUDA device has finished (for timing).</summary>
    public static void Synchronize(Device device)
    {
        if (device.Type == DeviceType.Cuda) Native.Check(Native.dg_cuda_synchronize(device.Index));
    }
}
