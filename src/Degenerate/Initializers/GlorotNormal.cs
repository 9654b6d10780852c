using Degenerate.Tensors;

namespace Degenerate.Initializers;

/// <summary>Normal with std = sqrt(2 / (fan_in + fan_out)). (Keras truncates at 2σ; this draws the plain normal.)</summary>
public sealed class GlorotNormal : Initializer
{
    /// <inheritdoc/>
    public override string Name => "glorot_normal";

    /// <inheritdoc/>
    public override Tensor Create(long[] shape, DType dtype, Device device)
    {
        var (fanIn, fanOut) = Fans(shape);
        return Tensor.RandNormal(shape, 0, Math.Sqrt(2.0 / (fanIn + fanOut)), dtype, device);
    }
}
