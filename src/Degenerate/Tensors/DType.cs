namespace Degenerate.Tensors;

/// <summary>Element types of tensors. Models use <see cref="Float32"/> by default, like Keras.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float (Keras's default).</summary>
    Float32 = 0,
    /// <summary>64-bit IEEE float: used for statistics and exact solvers.</summary>
    Float64 = 1,
    /// <summary>64-bit integer (class labels, indices).</summary>
    Int64 = 2,
    /// <summary>32-bit integer.</summary>
    Int32 = 3,
    /// <summary>Boolean (results of comparisons).</summary>
    Bool = 4,
    /// <summary>bfloat16 (GPU training).</summary>
    BFloat16 = 5,
    /// <summary>IEEE half precision.</summary>
    Float16 = 6,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>Size of one element in bytes.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int64 => 8,
        DType.Int32 => 4,
        DType.Bool => 1,
        DType.BFloat16 => 2,
        DType.Float16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>True for the floating-point types.</summary>
    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float32 or DType.Float64 or DType.BFloat16 or DType.Float16;

    /// <summary>The lower-case name Keras and PyTorch use ("float32", "float64", ...).</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int64 => "int64",
        DType.Int32 => "int32",
        DType.Bool => "bool",
        DType.BFloat16 => "bfloat16",
        DType.Float16 => "float16",
        _ => dtype.ToString(),
    };

    /// <summary>Parses a name produced by <see cref="Name"/>.</summary>
    public static DType Parse(string name) => name switch
    {
        "float32" => DType.Float32,
        "float64" => DType.Float64,
        "int64" => DType.Int64,
        "int32" => DType.Int32,
        "bool" => DType.Bool,
        "bfloat16" => DType.BFloat16,
        "float16" => DType.Float16,
        _ => throw new ArgumentException($"unknown dtype '{name}'; expected float32, float64, int64, int32, bool, bfloat16 or float16", nameof(name)),
    };
}
