using Degenerate.Tensors;

namespace Degenerate.Initializers;

/// <summary>Uniform in [-limit, limit] with limit = sqrt(6 / (fan_in + fan_out)): Keras's default kernel initializer.</summary>
public sealed class GlorotUniform : Initializer
{
    /// <inheritdoc/>
    public override string Name => "glorot_uniform";

    /// <inheritdoc/>
    public override Tensor Create(long[] shape, DType dtype, Device device)
    {
        var (fanIn, fanOut) = Fans(shape);
        var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        return Tensor.RandUniform(shape, -limit, limit, dtype, device);
    }
}
