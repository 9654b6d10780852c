using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>
/// Scaled exponential linear unit: scale·elu(x, alpha) with Keras's constants alpha ≈ 1.6733 and scale ≈ 1.0507
/// (self-normalizing networks, Klambauer et al. 2017).
/// </summary>
public sealed class Selu : ActivationFunction
{
    /// <summary>Keras's alpha.</summary>
    public const double Alpha = 1.6732632423543772848170429916717;

    /// <summary>Keras's scale.</summary>
    public const double Scale = 1.0507009873554804934193349852946;

    /// <inheritdoc/>
    public override string Name => "selu";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        using var elu = x.Elu(Alpha);
        return elu * Scale;
    }
}
