using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>x·tanh(softplus(x)), as <c>keras.activations.mish</c> (Misra 2019).</summary>
public sealed class Mish : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "mish";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        using var softplus = x.Softplus();
        using var gate = softplus.Tanh();
        return x * gate;
    }
}
