using Degenerate.Tensors;

namespace Degenerate.Initializers;

/// <summary>All zeros: Keras's default bias initializer.</summary>
public sealed class Zeros : Initializer
{
    /// <inheritdoc/>
    public override string Name => "zeros";

    /// <inheritdoc/>
    public override Tensor Create(long[] shape, DType dtype, Device device) => Tensor.Zeros(shape, dtype, device);
}
