using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>Gaussian error linear unit, x·Φ(x) (exact form, Keras's default approximate=False).</summary>
public sealed class Gelu : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "gelu";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Gelu();
}
