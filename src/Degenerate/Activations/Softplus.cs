using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>log(1 + e^x).</summary>
public sealed class Softplus : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "softplus";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Softplus();
}
