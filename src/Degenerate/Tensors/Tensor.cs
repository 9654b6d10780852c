using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Degenerate.Tensors;

/// <summary>
/// A libtorch tensor: an n-dimensional array on a <see cref="Device"/>, with autograd. The native memory is owned by
/// a SafeHandle and released by <see cref="Dispose"/> (or by the enclosing <see cref="DisposeScope"/>); the finalizer
/// is only a safety net. Operations return new tensors; arithmetic operators broadcast as in PyTorch.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private long[]? _shape;
    private DType _dtype;
    private Device _device;

    internal Tensor(TensorHandle handle)
    {
        if (handle.IsInvalid) throw new TorchException("native call returned no tensor");
        Handle = handle;
        TensorHandle.Counted();
        DisposeScope.Current?.Register(this);
    }

    internal static Tensor FromRawHandle(IntPtr raw)
    {
        var h = new TensorHandle();
        Marshal.InitHandle(h, raw);
        return new Tensor(h);
    }

    internal TensorHandle Handle { get; }

    /// <summary>
    /// Number of native tensors currently held by <see cref="Tensor"/> objects in this process: a leak check (it should
    /// return to the same value after every training step).
    /// </summary>
    public static long LiveCount => TensorHandle.Live;

    /// <summary>True once the native tensor has been released.</summary>
    public bool IsDisposed => Handle.IsClosed;

    /// <summary>Releases the native tensor now. Safe to call more than once.</summary>
    public void Dispose() => Handle.Dispose();

    // ---------------------------------------------------------------- inspection

    private unsafe void LoadInfo()
    {
        var dims = stackalloc long[16];
        Native.Check(Native.dg_tensor_info(Handle, out var dtype, out var ndim, dims, out var devType, out var devIndex));
        var shape = new long[ndim];
        for (var i = 0; i < ndim; i++) shape[i] = dims[i];
        _dtype = (DType)dtype;
        _device = Device.FromNative(devType, devIndex);
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
        TensorHandle handle;
        fixed (T* p = data)
        fixed (long* s = shape)
        {
            Native.Check(Native.dg_tensor_from_data(p, s, shape.Length, (int)source,
                direct ? (int)dev.Type : 0, direct ? dev.Index : -1, out handle));
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
    public static unsafe Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = device ?? Device.CPU;
        TensorHandle h;
        fixed (long* s = shape)
        {
            Native.Check(Native.dg_tensor_full(s, shape.Length, value, (int)dtype, (int)dev.Type, dev.Index, out h));
        }
        return new Tensor(h);
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null) => Full(shape, 0, dtype, device);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null) => Full(shape, 1, dtype, device);

    /// <summary>0, 1, ..., n-1.</summary>
    public static Tensor Arange(long n, DType dtype = DType.Int64, Device? device = null)
    {
        var dev = device ?? Device.CPU;
        Native.Check(Native.dg_tensor_arange(n, (int)dtype, (int)dev.Type, dev.Index, out var h));
        return new Tensor(h);
    }

    /// <summary>The n×n identity matrix.</summary>
    public static Tensor Eye(long n, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = device ?? Device.CPU;
        Native.Check(Native.dg_tensor_eye(n, (int)dtype, (int)dev.Type, dev.Index, out var h));
        return new Tensor(h);
    }

    /// <summary>Uniform random values in [low, high) from libtorch's generator (see <see cref="Degenerate.Random.Seed"/>).</summary>
    public static unsafe Tensor RandUniform(long[] shape, double low, double high, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = device ?? Device.CPU;
        TensorHandle h;
        fixed (long* s = shape)
        {
            Native.Check(Native.dg_rand_uniform(s, shape.Length, low, high, (int)dtype, (int)dev.Type, dev.Index, out h));
        }
        return new Tensor(h);
    }

    /// <summary>Normal random values from libtorch's generator.</summary>
    public static unsafe Tensor RandNormal(long[] shape, double mean, double std, DType dtype = DType.Float32, Device? device = null)
    {
        var dev = device ?? Device.CPU;
        TensorHandle h;
        fixed (long* s = shape)
        {
            Native.Check(Native.dg_rand_normal(s, shape.Length, mean, std, (int)dtype, (int)dev.Type, dev.Index, out h));
        }
        return new Tensor(h);
    }

    /// <summary>A random permutation of 0..n-1 (int64).</summary>
    public static Tensor RandPerm(long n, Device? device = null)
    {
        var dev = device ?? Device.CPU;
        Native.Check(Native.dg_randperm(n, (int)dev.Type, dev.Index, out var h));
        return new Tensor(h);
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
            Native.Check(Native.dg_tensor_copy_out(Handle, p, (long)result.Length * sizeof(T)));
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
        Native.Check(Native.dg_tensor_item(Handle, out var v));
        return v;
    }

    /// <summary>True when every element is finite (no NaN or ±Inf); integer tensors always are.</summary>
    public bool AllFinite()
    {
        HostReads.Note();
        Native.Check(Native.dg_tensor_all_finite(Handle, out var r));
        return r != 0;
    }

    /// <summary>True when both tensors have the same shape and exactly the same elements.</summary>
    public bool ExactlyEquals(Tensor other)
    {
        HostReads.Note();
        Native.Check(Native.dg_tensor_equal(Handle, other.Handle, out var r));
        return r != 0;
    }

    // ---------------------------------------------------------------- conversion

    /// <summary>This tensor with another dtype and/or on another device (a new tensor; shares memory when nothing changes).</summary>
    public Tensor To(DType dtype, Device device)
    {
        Native.Check(Native.dg_tensor_to(Handle, (int)dtype, (int)device.Type, device.Index, out var h));
        return new Tensor(h);
    }

    /// <summary>This tensor converted to <paramref name="dtype"/>.</summary>
    public Tensor To(DType dtype) => To(dtype, Device);

    /// <summary>This tensor moved to <paramref name="device"/>.</summary>
    public Tensor To(Device device) => To(DType, device);

    /// <summary>A copy with its own memory.</summary>
    public Tensor Clone()
    {
        Native.Check(Native.dg_tensor_clone(Handle, out var h));
        return new Tensor(h);
    }

    /// <summary>The same data, cut from the autograd graph.</summary>
    public Tensor Detach()
    {
        Native.Check(Native.dg_tensor_detach(Handle, out var h));
        return new Tensor(h);
    }

    /// <summary>A second handle on the same tensor (same data and autograd identity), disposed independently.</summary>
    public Tensor Alias()
    {
        Native.Check(Native.dg_tensor_alias(Handle, out var h));
        return new Tensor(h);
    }

    // ---------------------------------------------------------------- autograd

    /// <summary>Whether autograd records operations on this tensor (trainable parameters set this).</summary>
    public bool RequiresGrad
    {
        get
        {
            Native.Check(Native.dg_requires_grad(Handle, out var r));
            return r != 0;
        }
        set => Native.Check(Native.dg_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Back-propagates from this scalar, accumulating into the .Grad of every leaf that requires grad.</summary>
    public void Backward() => Native.Check(Native.dg_backward(Handle));

    /// <summary>The accumulated gradient, or null if none. The caller owns (must dispose) the returned tensor.</summary>
    public Tensor? Grad
    {
        get
        {
            Native.Check(Native.dg_grad(Handle, out var h));
            if (h.IsInvalid)
            {
                h.Dispose();
                return null;
            }
            return new Tensor(h);
        }
    }

    /// <summary>Drops the accumulated gradient.</summary>
    public void ClearGrad() => Native.Check(Native.dg_clear_grad(Handle));

    // ---------------------------------------------------------------- in place (no autograd)

    /// <summary>Overwrites this tensor's elements with <paramref name="source"/>'s (broadcast, converted), without autograd.</summary>
    public void CopyFrom(Tensor source) => Native.Check(Native.dg_copy_(Handle, source.Handle));

    /// <summary>Sets every element to <paramref name="value"/>, without autograd.</summary>
    public void Fill(double value) => Native.Check(Native.dg_fill_(Handle, value));

    /// <summary>this += alpha * other, in place, without autograd (used for accumulating metrics on the device).</summary>
    public void AddInPlace(Tensor other, double alpha = 1) => Native.Check(Native.dg_add_(Handle, other.Handle, alpha));
}
