using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>x / (|x| + 1), as <c>keras.activations.softsign</c>.</summary>
public sealed class Softsign : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "softsign";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        using var abs = x.Abs();
        using var denominator = abs + 1;
        return x / denominator;
    }
}
