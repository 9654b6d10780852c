using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>Sigmoid linear unit (swish): x·σ(x), as <c>keras.activations.silu</c> ("swish" is its alias).</summary>
public sealed class Silu : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "silu";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        using var s = x.Sigmoid();
        return x * s;
    }
}
