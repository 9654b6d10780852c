using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>Identity: f(x) = x (no activation).</summary>
public sealed class Linear : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "linear";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Alias();
}
