using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>1/x: with the Gamma loss, a Dense(1) layer is Gamma regression with the inverse (canonical) link.</summary>
public sealed class Inverse : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "inverse";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Reciprocal();
}
