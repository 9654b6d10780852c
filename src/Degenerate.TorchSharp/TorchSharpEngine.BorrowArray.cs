using Degenerate.Tensors.Engines;
using TorchSharp;

namespace Degenerate.Engines.TorchSharp;

internal sealed partial class TorchSharpEngine
{
    /// <summary>
    /// A CPU tensor over the array's own elements, through TorchSharp's <c>torch.from_array</c>: it shares the buffer
    /// (libtorch's from_blob) and pins the array with a GC handle that the storage's deleter frees, so the pin lasts
    /// exactly as long as the storage, whatever the caller does with its own references (issue 14: a GLM's design is
    /// never copied on this engine).
    /// </summary>
    public EngineTensor? BorrowArray(Array array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var type = array.GetType().GetElementType();
        var dtype = type == typeof(double) ? torch.ScalarType.Float64
            : type == typeof(float) ? torch.ScalarType.Float32
            : type == typeof(long) ? torch.ScalarType.Int64
            : type == typeof(int) ? torch.ScalarType.Int32
            : throw new ArgumentException(
                $"BorrowArray: the array holds {type}; double, float, long and int arrays can be shared with a tensor", nameof(array));
        // Same element type in and out: from_array converts (copies) only when they differ.
        return Run(() => torch.from_array(array, dtype, torch.CPU));
    }
}
