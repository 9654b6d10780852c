namespace Degenerate.Tensors;

/// <summary>
/// An error reported by libtorch (through the native shim), e.g. a shape mismatch in a matrix product. The message
/// is libtorch's own. The native call was abandoned cleanly: the process and every other tensor are unaffected.
/// </summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with libtorch's message.</summary>
    public TorchException(string message) : base(message) { }
}
