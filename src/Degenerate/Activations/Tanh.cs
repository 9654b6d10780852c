using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>Hyperbolic tangent.</summary>
public sealed class Tanh : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "tanh";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Tanh();
}
