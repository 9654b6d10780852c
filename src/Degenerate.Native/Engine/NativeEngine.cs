using System.Globalization;
using System.Runtime.InteropServices;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>
/// The native engine: Degenerate's own C ABI shim over the libtorch it was compiled against (Debian's, a LIBTORCH
/// folder or a pip PyTorch's, CUDA included). Every call returns a status that <see cref="Native.Check"/> turns into a
/// <see cref="TorchException"/>; no C++ exception crosses the ABI.
/// </summary>
internal sealed partial class NativeEngine : ITensorEngine
{
    public NativeEngine()
    {
        try
        {
            _ = Native.dg_torch_version();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new InvalidOperationException(
                "libdegenerate_native.so could not be loaded (" + e.Message + "). The native engine is built from " +
                "src/Degenerate.Native by its project's build, which needs libtorch (apt-get install libtorch-dev " +
                "libopenblas0-pthread cmake g++, or LIBTORCH=/path/to/libtorch); DEGENERATE_NATIVE_LIB may name the library", e);
        }
    }

    public string Name => "native";

    public string TorchVersion => Marshal.PtrToStringUTF8(Native.dg_torch_version()) ?? "unknown";

    public string? CudaVersion
    {
        get
        {
            var v = Native.dg_cuda_runtime_version();
            return v <= 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{v / 1000}.{v % 1000 / 10}");
        }
    }

    public int CudaDeviceCount => Native.dg_cuda_device_count();

    public int Threads
    {
        get => Native.dg_get_num_threads();
        set => Native.Check(Native.dg_set_num_threads(value));
    }

    public void ManualSeed(ulong seed) => Native.Check(Native.dg_manual_seed(seed));

    public void SetFloat32MatmulPrecision(bool allowTF32) => Native.Check(Native.dg_set_float32_matmul_precision(allowTF32 ? 1 : 0));

    public void Synchronize(Device device) => Native.Check(Native.dg_cuda_synchronize(device.Index));

    public bool SetGradEnabled(bool enabled)
    {
        Native.Check(Native.dg_set_grad_enabled(enabled ? 1 : 0, out var previous));
        return previous != 0;
    }

    internal static TensorHandle H(EngineTensor t) => (TensorHandle)t;

    private static TensorHandle Checked(int status, TensorHandle result)
    {
        if (status != 0)
        {
            result.Dispose();
            Native.Check(status);
        }
        return result;
    }

    // ---- creation and reading back ----

    public unsafe EngineTensor FromData(void* data, ReadOnlySpan<long> shape, DType dtype, Device device)
    {
        fixed (long* s = shape)
        {
            var status = Native.dg_tensor_from_data(data, s, shape.Length, (int)dtype, (int)device.Type, device.Index, out var h);
            return Checked(status, h);
        }
    }

    public unsafe void CopyOut(EngineTensor t, void* destination, long nbytes) =>
        Native.Check(Native.dg_tensor_copy_out(H(t), destination, nbytes));

    public unsafe void* DataPointer(EngineTensor t)
    {
        var status = Native.dg_tensor_data_ptr(H(t), out var data);
        // The shim refuses GPU and strided tensors; the contract reports that as an invalid operation, not a libtorch error.
        if (status != 0) throw new InvalidOperationException(Native.LastError());
        return data;
    }

    public unsafe (DType DType, long[] Shape, Device Device) Info(EngineTensor t)
    {
        var dims = stackalloc long[16];
        Native.Check(Native.dg_tensor_info(H(t), out var dtype, out var ndim, dims, out var devType, out var devIndex));
        var shape = new long[ndim];
        for (var i = 0; i < ndim; i++) shape[i] = dims[i];
        return ((DType)dtype, shape, Device.FromNative(devType, devIndex));
    }

    public double Item(EngineTensor t)
    {
        Native.Check(Native.dg_tensor_item(H(t), out var v));
        return v;
    }

    public unsafe EngineTensor Full(ReadOnlySpan<long> shape, double value, DType dtype, Device device)
    {
        fixed (long* s = shape)
            return Checked(Native.dg_tensor_full(s, shape.Length, value, (int)dtype, (int)device.Type, device.Index, out var h), h);
    }

    public EngineTensor Arange(long n, DType dtype, Device device) =>
        Checked(Native.dg_tensor_arange(n, (int)dtype, (int)device.Type, device.Index, out var h), h);

    public EngineTensor Eye(long n, DType dtype, Device device) =>
        Checked(Native.dg_tensor_eye(n, (int)dtype, (int)device.Type, device.Index, out var h), h);

    public unsafe EngineTensor RandUniform(ReadOnlySpan<long> shape, double low, double high, DType dtype, Device device)
    {
        fixed (long* s = shape)
            return Checked(Native.dg_rand_uniform(s, shape.Length, low, high, (int)dtype, (int)device.Type, device.Index, out var h), h);
    }

    public unsafe EngineTensor RandNormal(ReadOnlySpan<long> shape, double mean, double std, DType dtype, Device device)
    {
        fixed (long* s = shape)
            return Checked(Native.dg_rand_normal(s, shape.Length, mean, std, (int)dtype, (int)device.Type, device.Index, out var h), h);
    }

    public EngineTensor RandPerm(long n, Device device) =>
        Checked(Native.dg_randperm(n, (int)device.Type, device.Index, out var h), h);

    // ---- conversion and identity ----

    public EngineTensor To(EngineTensor t, DType dtype, Device device) =>
        Checked(Native.dg_tensor_to(H(t), (int)dtype, (int)device.Type, device.Index, out var h), h);

    public EngineTensor Clone(EngineTensor t) => Checked(Native.dg_tensor_clone(H(t), out var h), h);

    public EngineTensor Detach(EngineTensor t) => Checked(Native.dg_tensor_detach(H(t), out var h), h);

    public EngineTensor Alias(EngineTensor t) => Checked(Native.dg_tensor_alias(H(t), out var h), h);

    public bool AllFinite(EngineTensor t)
    {
        Native.Check(Native.dg_tensor_all_finite(H(t), out var r));
        return r != 0;
    }

    public bool Equal(EngineTensor a, EngineTensor b)
    {
        Native.Check(Native.dg_tensor_equal(H(a), H(b), out var r));
        return r != 0;
    }

    // ---- in place ----

    public void CopyInPlace(EngineTensor destination, EngineTensor source) => Native.Check(Native.dg_copy_(H(destination), H(source)));

    public void FillInPlace(EngineTensor destination, double value) => Native.Check(Native.dg_fill_(H(destination), value));

    public void AddInPlace(EngineTensor destination, EngineTensor source, double alpha) =>
        Native.Check(Native.dg_add_(H(destination), H(source), alpha));

    // ---- optional kernels ----

    public IFusedKernels? FusedKernels => _fused ??= new NativeFusedKernels(this);

    private NativeFusedKernels? _fused;

    public IGlmKernels? GlmKernels { get; } = new NativeGlmKernels();

    public IDistributedEngine Distributed { get; } = new NativeDistributed();

    public EngineOptimizer? CreateOptimizer(int kind, ReadOnlySpan<double> hyperparameters, IReadOnlyList<EngineTensor> parameters)
    {
        // Kinds past the shim's four (Adamax, Nadam, Lion) have no native optimizer: the portable one runs them.
        if (kind is < 0 or > 3) return null;
        return NativeOptimizer.Create(kind, hyperparameters, parameters);
    }
}
