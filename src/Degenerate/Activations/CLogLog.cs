using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>
/// 1 − exp(−eˣ), the inverse of the complementary log-log link: with binary cross-entropy, a Dense(1) layer is the
/// cloglog GLM (<c>Glm.FromModel</c> reads it as Binomial with the CLogLog link). Written −expm1(−eˣ), exact for
/// small eˣ.
/// </summary>
public sealed class CLogLog : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "cloglog";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => -(-x.Exp()).Expm1();
}
