using Degenerate.Tensors;

namespace Degenerate.Models;

/// <summary>
/// Inputs or targets as <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> take them: a <see cref="Tensor"/> or a plain
/// array (<c>float[,]</c>, <c>double[,]</c>, <c>float[]</c>, <c>double[]</c>, <c>int[]</c> class labels), converted
/// implicitly. Arrays are copied to the model's device in one bulk copy, never element by element.
/// A 1-D array of features or targets stands for one column.
/// </summary>
public readonly struct Data
{
    private readonly Array? _array;
    private readonly Tensor? _tensor;

    private Data(Array array) => _array = array;

    private Data(Tensor tensor) => _tensor = tensor;

    /// <summary>True when nothing was given.</summary>
    public bool IsEmpty => _array is null && _tensor is null;

    /// <summary>Number of rows (samples).</summary>
    public long Rows => _tensor is not null ? (_tensor.Rank == 0 ? 1 : _tensor.Size(0)) : _array?.GetLength(0) ?? 0;

    /// <summary>Shape as text, for error messages.</summary>
    public string ShapeString => _tensor is not null
        ? _tensor.ShapeString
        : _array is null ? "[]" : _array.Rank == 2 ? $"[{_array.GetLength(0)}, {_array.GetLength(1)}]" : $"[{_array.Length}]";

    /// <summary>Whether the data holds integer values (int[] or an integer tensor): class labels.</summary>
    public bool IsInteger => _array is int[] or long[] || (_tensor is not null && _tensor.DType is DType.Int64 or DType.Int32);

    /// <summary>Wraps a tensor (not copied; not disposed by the model).</summary>
    public static implicit operator Data(Tensor tensor) => new(tensor ?? throw new ArgumentNullException(nameof(tensor)));
    /// <summary>Wraps a [rows, columns] array.</summary>
    public static implicit operator Data(float[,] array) => new(array ?? throw new ArgumentNullException(nameof(array)));
    /// <summary>Wraps a [rows, columns] array.</summary>
    public static implicit operator Data(double[,] array) => new(array ?? throw new ArgumentNullException(nameof(array)));
    /// <summary>Wraps one column.</summary>
    public static implicit operator Data(float[] array) => new(array ?? throw new ArgumentNullException(nameof(array)));
    /// <summary>Wraps one column.</summary>
    public static implicit operator Data(double[] array) => new(array ?? throw new ArgumentNullException(nameof(array)));
    /// <summary>Wraps integer class labels.</summary>
    public static implicit operator Data(int[] array) => new(array ?? throw new ArgumentNullException(nameof(array)));
    /// <summary>Wraps integer class labels.</summary>
    public static implicit operator Data(long[] array) => new(array ?? throw new ArgumentNullException(nameof(array)));

    /// <summary>
    /// The data as a tensor of <paramref name="dtype"/> on <paramref name="device"/>: 2-D [rows, columns] when
    /// <paramref name="asMatrix"/>, else as given (class labels stay 1-D). The caller owns the result, which may share
    /// memory with a tensor given in.
    /// </summary>
    internal Tensor ToTensor(DType dtype, Device device, bool asMatrix)
    {
        Tensor t = _array switch
        {
            float[,] a => Tensor.FromArray(a, device, dtype),
            double[,] a => Tensor.FromArray(a, device, dtype),
            float[] a => Tensor.FromArray(a, device, dtype),
            double[] a => Tensor.FromArray(a, device, dtype),
            int[] a => Tensor.FromArray(a, device, dtype),
            long[] a => Tensor.FromArray(a, device, dtype),
            null when _tensor is not null => _tensor.To(dtype, device),
            _ => throw new ArgumentException("no data given"),
        };
        DisposeScope.Current?.Detach(t);
        if (!asMatrix || t.Rank == 2) return t;
        using (t)
        {
            var m = t.Rank == 0 ? t.Reshape(1, 1) : t.Rank == 1 ? t.Reshape(-1, 1) : t.Reshape(t.Size(0), -1);
            DisposeScope.Current?.Detach(m);
            return m;
        }
    }
}
