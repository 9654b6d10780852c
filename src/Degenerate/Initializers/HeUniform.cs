using Degenerate.Tensors;

namespace Degenerate.Initializers;

/// <summary>Uniform in [-limit, limit] with limit = sqrt(6 / fan_in): suited to relu layers.</summary>
public sealed class HeUniform : Initializer
{
    /// <inheritdoc/>
    public override string Name => "he_uniform";

    /// <inheritdoc/>
    public override Tensor Create(long[] shape, DType dtype, Device device)
    {
        var (fanIn, _) = Fans(shape);
        var limit = Math.Sqrt(6.0 / fanIn);
        return Tensor.RandUniform(shape, -limit, limit, dtype, device);
    }
}
