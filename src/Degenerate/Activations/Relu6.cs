using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>min(max(x, 0), 6), as <c>keras.activations.relu6</c>.</summary>
public sealed class Relu6 : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "relu6";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Clamp(0, 6);
}
