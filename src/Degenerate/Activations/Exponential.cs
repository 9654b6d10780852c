using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>e^x: with the Poisson loss, a Dense(1) layer is Poisson regression (log link).</summary>
public sealed class Exponential : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "exponential";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Exp();
}
