using System.Runtime.InteropServices;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;
using TorchSharp;
using TTensor = TorchSharp.torch.Tensor;
using DeviceType = Degenerate.Tensors.DeviceType;

namespace Degenerate.Engines.TorchSharp;

/// <summary>
/// The TorchSharp engine (the default): Degenerate's tensors are TorchSharp tensors on TorchSharp's libtorch. It has
/// no native fused kernels: optimizers and GLM passes run on the portable implementations written on the engine
/// contract, training plans on the managed kernels (CPU tensors' memory through <see cref="DataPointer"/>). TorchSharp's failures (ExternalException) become <see cref="TorchException"/>; calls that TorchSharp
/// leaves unguarded (matmul) are checked here first.
/// </summary>
internal sealed partial class TorchSharpEngine : ITensorEngine
{
    public TorchSharpEngine()
    {
        // Loads TorchSharp's natives (patched for Debian 12 where needed) and sets libtorch's thread count.
        TorchSharpLoader.EnsureLoaded();
    }

    public string Name => "torchsharp";

    // TorchSharp reports "2.10.0.0"; libtorch calls itself "2.10.0".
    public string TorchVersion => string.Join('.', torch.__version__.Split('.').Take(3));

    // TorchSharp does not report the CUDA runtime version of its libtorch.
    public string? CudaVersion => torch.cuda.is_available() ? "unknown" : null;

    public int CudaDeviceCount => torch.cuda.is_available() ? torch.cuda.device_count() : 0;

    public int Threads
    {
        get => torch.get_num_threads();
        set => torch.set_num_threads(value);
    }

    public void ManualSeed(ulong seed)
    {
        using var generator = torch.random.manual_seed(unchecked((long)seed));
    }

    public void SetFloat32MatmulPrecision(bool allowTF32) => Run(() => torch.backends.cuda.matmul.allow_tf32 = allowTF32);

    public void Synchronize(Device device) => Run(() => torch.cuda.synchronize(ToTorch(device)));

    public bool SetGradEnabled(bool enabled)
    {
        var previous = torch.is_grad_enabled();
        // The returned guard would restore the previous mode when disposed; the caller restores it itself.
        _ = torch.set_grad_enabled(enabled);
        return previous;
    }

    // ---- conversions between the two vocabularies ----

    internal static TTensor T(EngineTensor t)
    {
        var ts = (TorchSharpTensor)t;
        ObjectDisposedException.ThrowIf(ts.IsClosed, ts);
        return ts.Value;
    }

    private static EngineTensor Wrap(TTensor t) => new TorchSharpTensor(t);

    internal static torch.ScalarType ToTorch(DType dtype) => dtype switch
    {
        DType.Float32 => torch.ScalarType.Float32,
        DType.Float64 => torch.ScalarType.Float64,
        DType.Int64 => torch.ScalarType.Int64,
        DType.Int32 => torch.ScalarType.Int32,
        DType.Bool => torch.ScalarType.Bool,
        DType.BFloat16 => torch.ScalarType.BFloat16,
        DType.Float16 => torch.ScalarType.Float16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    internal static DType FromTorch(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => DType.Float32,
        torch.ScalarType.Float64 => DType.Float64,
        torch.ScalarType.Int64 => DType.Int64,
        torch.ScalarType.Int32 => DType.Int32,
        torch.ScalarType.Bool => DType.Bool,
        torch.ScalarType.BFloat16 => DType.BFloat16,
        torch.ScalarType.Float16 => DType.Float16,
        _ => throw new NotSupportedException($"TorchSharp returned a tensor of type {type}, which Degenerate does not use"),
    };

    internal static torch.Device ToTorch(Device device) =>
        device.Type == DeviceType.Cpu ? torch.CPU : new torch.Device(global::TorchSharp.DeviceType.CUDA, device.Index);

    // TorchSharp reports libtorch's errors as ExternalException; the engine contract promises TorchException.
    internal static EngineTensor Run(Func<TTensor> op)
    {
        try
        {
            return Wrap(op());
        }
        catch (ExternalException e)
        {
            throw new TorchException(e.Message);
        }
    }

    internal static T Run<T>(Func<T> op)
    {
        try
        {
            return op();
        }
        catch (ExternalException e)
        {
            throw new TorchException(e.Message);
        }
    }

    internal static void Run(Action op)
    {
        try
        {
            op();
        }
        catch (ExternalException e)
        {
            throw new TorchException(e.Message);
        }
    }

    // ---- creation and reading back ----

    // Host copies go through spans of at most this many bytes (TorchSharp's byte spans are int-sized).
    private const long Chunk = 1L << 30;

    public unsafe EngineTensor FromData(void* data, ReadOnlySpan<long> shape, DType dtype, Device device)
    {
        var dims = shape.ToArray();
        var src = (byte*)data;
        return Run(() =>
        {
            var cpu = torch.empty(dims, ToTorch(dtype));
            CopyBytes(cpu, src, toTensor: true);
            if (device.Type == DeviceType.Cpu) return cpu;
            using (cpu) return cpu.to(ToTorch(device));
        });
    }

    public unsafe void CopyOut(EngineTensor t, void* destination, long nbytes)
    {
        var dst = (byte*)destination;
        Run(() =>
        {
            var x = T(t);
            var expected = x.NumberOfElements * x.ElementSize;
            if (expected != nbytes)
                throw new ArgumentException($"copy out: the tensor has {expected} bytes, the buffer {nbytes}", nameof(nbytes));
            using var detached = x.detach();
            using var cpu = detached.cpu();
            using var contiguous = cpu.contiguous();
            CopyBytes(contiguous, dst, toTensor: false);
        });
    }

    // Copies between a contiguous CPU tensor and host memory, a chunk at a time.
    private static unsafe void CopyBytes(TTensor cpu, byte* host, bool toTensor)
    {
        var total = cpu.NumberOfElements * cpu.ElementSize;
        if (total == 0) return;
        if (total <= Chunk)
        {
            var span = new Span<byte>(host, (int)total);
            if (toTensor) span.CopyTo(cpu.bytes);
            else cpu.bytes.CopyTo(span);
            return;
        }
        using var flat = cpu.reshape(-1);
        var perChunk = Chunk / cpu.ElementSize;
        for (long start = 0; start < flat.shape[0]; start += perChunk)
        {
            var end = Math.Min(start + perChunk, flat.shape[0]);
            using var part = flat.slice(0, start, end, 1);
            var span = new Span<byte>(host + start * cpu.ElementSize, (int)((end - start) * cpu.ElementSize));
            if (toTensor) span.CopyTo(part.bytes);
            else part.bytes.CopyTo(span);
        }
    }

    // TorchSharp's Tensor has no public data pointer; its native library exports THSTensor_data (tensor -> data_ptr()).
    private static unsafe delegate* unmanaged<IntPtr, IntPtr> _tensorData;

    public unsafe void* DataPointer(EngineTensor t)
    {
        var x = T(t);
        if (x.device_type != global::TorchSharp.DeviceType.CPU)
            throw new InvalidOperationException($"the tensor's data is on {x.device}, not the CPU: kernels on host memory need CPU tensors");
        if (!x.is_contiguous())
            throw new InvalidOperationException($"the tensor of shape [{string.Join(", ", x.shape)}] is not contiguous");
        if (_tensorData == null) _tensorData = (delegate* unmanaged<IntPtr, IntPtr>)TensorDataExport();
        return (void*)_tensorData(x.Handle);
    }

    // The library TorchSharp itself runs on: the copy the loader loaded by path (Debian 12), else the one TorchSharp's
    // own DllImport resolves (already loaded, so this only finds it).
    private static IntPtr TensorDataExport()
    {
        var path = TorchSharpLoader.LoadInfo?.LibTorchSharpPath;
        var library = path is not null ? NativeLibrary.Load(path)
            : NativeLibrary.TryLoad("LibTorchSharp", typeof(torch).Assembly, null, out var h) ? h
            : throw new InvalidOperationException("TorchSharp's LibTorchSharp library could not be found to read tensor data");
        return NativeLibrary.TryGetExport(library, "THSTensor_data", out var export) ? export
            : throw new InvalidOperationException("TorchSharp's LibTorchSharp library has no THSTensor_data export");
    }

    public (DType DType, long[] Shape, Device Device) Info(EngineTensor t)
    {
        var x = T(t);
        var device = x.device_type == global::TorchSharp.DeviceType.CUDA ? Device.FromNative((int)DeviceType.Cuda, x.device_index) : Device.CPU;
        return (FromTorch(x.dtype), x.shape, device);
    }

    public double Item(EngineTensor t) => Run(() =>
    {
        var x = T(t);
        if (x.NumberOfElements != 1)
            throw new ArgumentException($"Item needs a one-element tensor; this one has shape [{string.Join(", ", x.shape)}]");
        using var d = x.to(torch.ScalarType.Float64);
        return d.item<double>();
    });

    public EngineTensor Full(ReadOnlySpan<long> shape, double value, DType dtype, Device device)
    {
        var dims = shape.ToArray();
        return Run(() => torch.full(dims, value, ToTorch(dtype), ToTorch(device)));
    }

    public EngineTensor Arange(long n, DType dtype, Device device) => Run(() => torch.arange(n, ToTorch(dtype), ToTorch(device)));

    public EngineTensor Eye(long n, DType dtype, Device device) => Run(() => torch.eye(n, n, ToTorch(dtype), ToTorch(device)));

    public EngineTensor RandUniform(ReadOnlySpan<long> shape, double low, double high, DType dtype, Device device)
    {
        var dims = shape.ToArray();
        return Run(() =>
        {
            var t = torch.empty(dims, ToTorch(dtype), ToTorch(device));
            t.uniform_(low, high);
            return t;
        });
    }

    public EngineTensor RandNormal(ReadOnlySpan<long> shape, double mean, double std, DType dtype, Device device)
    {
        var dims = shape.ToArray();
        return Run(() =>
        {
            var t = torch.empty(dims, ToTorch(dtype), ToTorch(device));
            t.normal_(mean, std);
            return t;
        });
    }

    public EngineTensor RandPerm(long n, Device device) => Run(() => torch.randperm(n, torch.ScalarType.Int64, ToTorch(device)));

    // ---- conversion and identity ----

    public EngineTensor To(EngineTensor t, DType dtype, Device device) => Run(() => T(t).to(ToTorch(dtype), ToTorch(device)));

    public EngineTensor Clone(EngineTensor t) => Run(() => T(t).clone());

    public EngineTensor Detach(EngineTensor t) => Run(() => T(t).detach());

    public EngineTensor Alias(EngineTensor t) => Run(() => T(t).alias());

    public bool AllFinite(EngineTensor t) => Run(() =>
    {
        var x = T(t);
        if (!x.is_floating_point() || x.NumberOfElements == 0) return true;
        // A contiguous CPU float32/float64 tensor is scanned in place (isfinite + all cost a full-size temporary).
        if (x.device_type == global::TorchSharp.DeviceType.CPU && x.is_contiguous()
            && x.dtype is global::TorchSharp.torch.ScalarType.Float32 or global::TorchSharp.torch.ScalarType.Float64)
            unsafe
            {
                return HostFinite.All(DataPointer(t), x.NumberOfElements,
                    x.dtype == global::TorchSharp.torch.ScalarType.Float32 ? DType.Float32 : DType.Float64);
            }
        using var detached = x.detach();
        using var finite = detached.isfinite();
        using var all = finite.all();
        return all.item<bool>();
    });

    public bool Equal(EngineTensor a, EngineTensor b) => Run(() => T(a).Equals(T(b)));

    // ---- in place, without autograd ----

    public void CopyInPlace(EngineTensor destination, EngineTensor source) => Run(() =>
    {
        using var noGrad = torch.no_grad();
        T(destination).copy_(T(source));
    });

    public void FillInPlace(EngineTensor destination, double value) => Run(() =>
    {
        using var noGrad = torch.no_grad();
        T(destination).fill_(value);
    });

    public void AddInPlace(EngineTensor destination, EngineTensor source, double alpha) => Run(() =>
    {
        using var noGrad = torch.no_grad();
        T(destination).add_(T(source), alpha);
    });

    // ---- optional kernels: the portable optimizers, the managed training plan on CPU tensors ----

    public EngineOptimizer? CreateOptimizer(int kind, ReadOnlySpan<double> hyperparameters, IReadOnlyList<EngineTensor> parameters) => null;

    private ManagedFusedKernels? _fused;

    public IFusedKernels? FusedKernels => _fused ??= new ManagedFusedKernels(this);

    public IGlmKernels? GlmKernels => null;

    // TorchSharp binds no part of torch.distributed (no c10d import among its native functions).
    public IDistributedEngine Distributed => throw new NotSupportedException(
        "distributed training needs libtorch's c10d, which TorchSharp does not expose: use the native engine " +
        "(DEGENERATE_ENGINE=native, package Degenerate.Native)");
}
