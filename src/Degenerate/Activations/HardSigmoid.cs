using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>
/// Keras 3's hard sigmoid: relu6(x + 3) / 6, i.e. 0 below −3, 1 above 3, x/6 + 1/2 between (Keras 2 used slope 0.2).
/// </summary>
public sealed class HardSigmoid : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "hard_sigmoid";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        using var shifted = x + 3;
        using var clipped = shifted.Clamp(0, 6);
        return clipped / 6;
    }
}
