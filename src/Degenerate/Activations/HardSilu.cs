using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>Hard SiLU (hard swish): x·relu6(x + 3)/6, as <c>keras.activations.hard_silu</c> ("hard_swish" is its alias).</summary>
public sealed class HardSilu : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "hard_silu";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        using var shifted = x + 3;
        using var clipped = shifted.Clamp(0, 6);
        using var gate = clipped / 6;
        return x * gate;
    }
}
