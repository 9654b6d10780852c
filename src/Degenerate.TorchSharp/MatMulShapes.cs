using Degenerate.Tensors;
using TorchSharp;

namespace Degenerate.Engines.TorchSharp;

/// <summary>
/// Shape, dtype and device checks made before a matrix product: TorchSharp's THSTensor_matmul has no error guard, so
/// a mismatch there would end the process with an uncaught C++ exception instead of raising a managed one. The errors
/// are the <see cref="TorchException"/> libtorch's own check raises on the native engine, worded as libtorch words them.
/// </summary>
internal static class MatMulShapes
{
    public static void Check(torch.Tensor a, torch.Tensor b, string operation = "matmul")
    {
        var sa = a.shape;
        var sb = b.shape;
        string Describe() => $"{operation}: mat1 and mat2 shapes cannot be multiplied ({string.Join("x", sa)} and {string.Join("x", sb)})";
        if (sa.Length == 0 || sb.Length == 0)
            throw new TorchException($"{Describe()}: both arguments to matmul need to be at least 1D");
        if (a.dtype != b.dtype)
            throw new TorchException($"{operation}: expected both operands to have the same dtype, but got {a.dtype} and {b.dtype}");
        if (a.device_type != b.device_type || a.device_index != b.device_index)
            throw new TorchException($"{operation}: expected both operands to be on the same device, but got {a.device} and {b.device}");
        var inner = sa[^1];
        var other = sb.Length == 1 ? sb[0] : sb[^2];
        if (inner != other)
            throw new TorchException(Describe());
        // Batch dimensions (all but the last two) broadcast as in numpy.
        var ba = sa.Length > 2 ? sa[..^2] : [];
        var bb = sb.Length > 2 ? sb[..^2] : [];
        for (int i = ba.Length - 1, j = bb.Length - 1; i >= 0 && j >= 0; i--, j--)
        {
            if (ba[i] != bb[j] && ba[i] != 1 && bb[j] != 1)
                throw new TorchException($"{Describe()}: the batch dimensions do not broadcast ({ba[i]} and {bb[j]})");
        }
    }
}
