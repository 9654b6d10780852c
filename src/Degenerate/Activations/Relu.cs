using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>Rectified linear unit max(x, 0).</summary>
public sealed class Relu : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "relu";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Relu();
}
