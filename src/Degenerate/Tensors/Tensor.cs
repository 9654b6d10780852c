using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Degenerate.Tensors.Engines;

namespace Degenerate.Tensors;

/// <summary>
/// A libtorch tensor: an n-dimensional array on a <see cref="Device"/>, with autograd, computed by the process's
/// <see cref="Engine"/>. The engine's memory is owned by a SafeHandle and released by <see cref="Dispose"/> (or by the enclosing <see cref="DisposeScope"/>); the finalizer
/// is only a safety net. Operations return new tensors; arithmetic operators broadcast as in PyTorch.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private long[]? _shape;
    private DType _dtype;
    private Device _device;

    internal Tensor(EngineTensor handle)
    {
        if (handle.IsInvalid) throw new TorchException("the engine returned no tensor");
        _handle = handle;
        EngineTensor.Counted();
        DisposeScope.Current?.Register(this);
    }

    private readonly EngineTensor _handle;

    // Every engine call goes through here: a released tensor is an ObjectDisposedException that names a Tensor, not
    // an engine's internal handle type (and the same on both engines).
    internal EngineTensor Handle => _handle.IsClosed ? throw Released() : _handle;

    private static ObjectDisposedException Released() =>
        new(nameof(Tensor), "the tensor was disposed (by Dispose or by its DisposeScope) and cannot be used again");

    private static ITensorEngine E => Engine.Current;

    /// <summary>
    /// Number of native tensors currently held by <see cref="Tensor"/> objects in this process: a leak check (it should
    /// return to the same value after every training step).
    /// </summary>
    public static long LiveCount => EngineTensor.Live;

    /// <summary>True once the native tensor has been released.</summary>
    public bool IsDisposed => _handle.IsClosed;

    /// <summary>Releases the native tensor now. Safe to call more than once.</summary>
    public void Dispose() => _handle.Dispose();

    // ---------------------------------------------------------------- inspection

    private void LoadInfo()
    {
        var (dtype, shape, device) = E.Info(Handle);
        _dtype = dtype;
        _device = device;
        _shape = shape;
    }

    /// <summary>The size of each dimension (a copy).</summary>
    public long[] Shape
    {
        get
        {
            if (_shape is null) LoadInfo();
            return (long[])_shape!.Clone();
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        if (_shape is null) LoadInfo();
        var d = dim < 0 ? dim + _shape!.Length : dim;
        if (d < 0 || d >= _shape!.Length)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"tensor has {_shape!.Length} dimensions");
        return _shape[d];
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank
    {
        get
        {
            if (_shape is null) LoadInfo();
            return _shape!.Length;
        }
    }

    /// <summary>Total number of elements.</summary>
    public long NumElements
    {
        get
        {
            if (_shape is null) LoadInfo();
            long n = 1;
            foreach (var d in _shape!) n *= d;
            return n;
        }
    }

    /// <summary>Element type.</summary>
    public DType DType
    {
        get
        {
            if (_shape is null) LoadInfo();
            return _dtype;
        }
    }

    /// <summary>The device holding the data.</summary>
    public Device Device
    {
        get
        {
            if (_shape is null) LoadInfo();
            return _device;
        }
    }

    /// <summary>Shape as text, e.g. "[32, 3]".</summary>
    public string ShapeString => FormatShape(Shape);

    internal static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>A short description: dtype, shape and device.</summary>
    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor({DType.Name()}, {ShapeString}, {Device})";

    // ---------------------------------------------------------------- creation

    private static DType DTypeOf<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        throw new NotSupportedException($"element type {typeof(T).Name} is not supported; use float, double, long, int or bool");
    }

    /// <summary>
    /// Creates a tensor from host memory in one bulk copy (never element by element), then converts it to
    /// <paramref name="dtype"/> and moves it to <paramref name="device"/> if those differ from the source.
    /// </summary>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape, Device? device = null,
        DType? dtype = null) where T : unmanaged
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape {FormatShape(shape.ToArray())} has a negative dimension", nameof(shape));
            count *= d;
        }
        if (count != data.Length)
            throw new ArgumentException(
                $"shape {FormatShape(shape.ToArray())} holds {count} elements but the data has {data.Length}", nameof(data));
        var source = DTypeOf<T>();
        var target = dtype ?? source;
        var dev = device ?? Device.CPU;
        // Copy with the source type straight to the target device when no conversion is needed.
        var direct = target == source;
        EngineTensor handle;
        fixed (T* p = data)
        {
            handle = E.FromData(p, shape, source, direct ? dev : Device.CPU);
        }
        var t = new Tensor(handle);
        if (direct) return t;
        using (t) return t.ReleaseFromScope().To(target, dev);
    }

    private Tensor ReleaseFromScope()
    {
        DisposeScope.Current?.Detach(this);
        return this;
    }

    /// <summary>A 1-D tensor from an array.</summary>
    public static Tensor FromArray<T>(T[] data, Device? device = null, DType? dtype = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<T>(data, [data.LongLength], device, dtype);
    }

    /// <summary>A tensor of the given shape from a flat array in row-major order.</summary>
    public static Tensor FromArray<T>(T[] data, long[] shape, Device? device = null, DType? dtype = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        return FromSpan<T>(data, shape, device, dtype);
    }

    /// <summary>A 2-D tensor [rows, columns] from a rectangular array.</summary>
    public static Tensor FromArray<T>(T[,] data, Device? device = null, DType? dtype = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        var span = MemoryMarshal.CreateReadOnlySpan(
            ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(data)), data.Length);
        return FromSpan(span, [data.GetLongLength(0), data.GetLongLength(1)], device, dtype);
    }

    /// <summary>A scalar (0-dimensional) tensor.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device? device = null) =>
        Full([], value, dtype, device);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckAllocation(shape, dtype, device ?? Device.CPU);
        return new Tensor(E.Full(shape, value, dtype, device ?? Device.CPU));
    }

    // A CPU tensor larger than the machine's memory would not fail at once (the OS overcommits) but grow until the
    // process is killed while it is filled: refuse it up front, with the size it would need.
    // Read once: the machine's (or container's) memory does not change under a process, and Full runs on hot paths.
    private static readonly Lazy<long> MachineMemory = new(() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);

    internal static void CheckAllocation(ReadOnlySpan<long> shape, DType dtype, Device device)
    {
        if (device.Type != DeviceType.Cpu) return;
        double bytes = dtype.ElementSize();
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape {FormatShape(shape.ToArray())} has a negative dimension", nameof(shape));
            bytes *= d;
        }
        var available = (double)MachineMemory.Value;
        if (bytes > available)
            throw new InsufficientMemoryException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"a {dtype.Name()} tensor of shape {FormatShape(shape.ToArray())} needs {bytes / (1L << 30):F1} GiB, more than this machine's {available / (1L << 30):F1} GiB of memory"));
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null) => Full(shape, 0, dtype, device);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null) => Full(shape, 1, dtype, device);

    /// <summary>0, 1, ..., n-1.</summary>
    public static Tensor Arange(long n, DType dtype = DType.Int64, Device? device = null)
    {
        return new Tensor(E.Arange(n, dtype, device ?? Device.CPU));
    }

    /// <summary>The n×n identity matrix.</summary>
    public static Tensor Eye(long n, DType dtype = DType.Float32, Device? device = null)
    {
        return new Tensor(E.Eye(n, dtype, device ?? Device.CPU));
    }

    /// <summary>Uniform random values in [low, high) from libtorch's generator (see <see cref="Degenerate.Random.Seed"/>).</summary>
    public static Tensor RandUniform(long[] shape, double low, double high, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckAllocation(shape, dtype, device ?? Device.CPU);
        return new Tensor(E.RandUniform(shape, low, high, dtype, device ?? Device.CPU));
    }

    /// <summary>Normal random values from libtorch's generator.</summary>
    public static Tensor RandNormal(long[] shape, double mean, double std, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckAllocation(shape, dtype, device ?? Device.CPU);
        return new Tensor(E.RandNormal(shape, mean, std, dtype, device ?? Device.CPU));
    }

    /// <summary>A random permutation of 0..n-1 (int64).</summary>
    public static Tensor RandPerm(long n, Device? device = null)
    {
        return new Tensor(E.RandPerm(n, device ?? Device.CPU));
    }

    // ---------------------------------------------------------------- reading back

    /// <summary>Copies the elements (row-major) to a new host array of <typeparamref name="T"/>, converting the dtype if needed.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var target = DTypeOf<T>();
        if (DType != target)
        {
            using var converted = To(target);
            DisposeScope.Current?.Detach(converted);
            return converted.ToArray<T>();
        }
        var result = new T[NumElements];
        fixed (T* p = result)
        {
            HostReads.Note();
            E.CopyOut(Handle, p, (long)result.Length * sizeof(T));
        }
        return result;
    }

    /// <summary>Copies a 2-D tensor to a new rectangular host array.</summary>
    public unsafe T[,] ToArray2D<T>() where T : unmanaged
    {
        if (Rank != 2) throw new InvalidOperationException($"ToArray2D needs a 2-D tensor, this one has shape {ShapeString}");
        var flat = ToArray<T>();
        var result = new T[Size(0), Size(1)];
        flat.AsSpan().CopyTo(MemoryMarshal.CreateSpan(
            ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(result)), result.Length));
        return result;
    }

    /// <summary>The value of a one-element tensor, as a double (synchronizes with the device).</summary>
    public double Item()
    {
        HostReads.Note();
        return E.Item(Handle);
    }

    /// <summary>True when every element is finite (no NaN or ±Inf); integer tensors always are.</summary>
    public bool AllFinite()
    {
        HostReads.Note();
        return E.AllFinite(Handle);
    }

    /// <summary>True when both tensors have the same shape and exactly the same elements.</summary>
    public bool ExactlyEquals(Tensor other)
    {
        HostReads.Note();
        ArgumentNullException.ThrowIfNull(other);
        return E.Equal(Handle, other.Handle);
    }

    // ---------------------------------------------------------------- conversion

    /// <summary>This tensor with another dtype and/or on another device (a new tensor; shares memory when nothing changes).</summary>
    public Tensor To(DType dtype, Device device)
    {
        return new Tensor(E.To(Handle, dtype, device));
    }

    /// <summary>This tensor converted to <paramref name="dtype"/>.</summary>
    public Tensor To(DType dtype) => To(dtype, Device);

    /// <summary>This tensor moved to <paramref name="device"/>.</summary>
    public Tensor To(Device device) => To(DType, device);

    /// <summary>A copy with its own memory.</summary>
    public Tensor Clone()
    {
        return new Tensor(E.Clone(Handle));
    }

    /// <summary>The same data, cut from the autograd graph.</summary>
    public Tensor Detach()
    {
        return new Tensor(E.Detach(Handle));
    }

    /// <summary>A second handle on the same tensor (same data and autograd identity), disposed independently.</summary>
    public Tensor Alias()
    {
        return new Tensor(E.Alias(Handle));
    }

    // ---------------------------------------------------------------- autograd

    /// <summary>Whether autograd records operations on this tensor (trainable parameters set this).</summary>
    public bool RequiresGrad
    {
        get => E.RequiresGrad(Handle);
        set => E.SetRequiresGrad(Handle, value);
    }

    /// <summary>Back-propagates from this scalar, accumulating into the .Grad of every leaf that requires grad.</summary>
    public void Backward() => E.Backward(Handle);

    /// <summary>The accumulated gradient, or null if none. The caller owns (must dispose) the returned tensor.</summary>
    public Tensor? Grad
    {
        get => E.Grad(Handle) is { } g ? new Tensor(g) : null;
    }

    /// <summary>Drops the accumulated gradient.</summary>
    public void ClearGrad() => E.ClearGrad(Handle);

    // ---------------------------------------------------------------- in place (no autograd)

    /// <summary>Overwrites this tensor's elements with <paramref name="source"/>'s (broadcast, converted), without autograd.</summary>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        E.CopyInPlace(Handle, source.Handle);
    }

    /// <summary>Sets every element to <paramref name="value"/>, without autograd.</summary>
    public void Fill(double value) => E.FillInPlace(Handle, value);

    /// <summary>this += alpha * other, in place, without autograd (used for accumulating metrics on the device).</summary>
    public void AddInPlace(Tensor other, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        E.AddInPlace(Handle, other.Handle, alpha);
    }
}
