using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>
/// Φ(x), the standard normal CDF: with binary cross-entropy, a Dense(1) layer is the probit GLM
/// (<c>Glm.FromModel</c> reads it as Binomial with the probit link). Computed as gelu(x)/x (gelu is x·Φ(x) in libtorch's
/// exact erf form; 0.5 at x = 0), so it is accurate to about 1e-16/Φ(x) relative: fine wherever Φ(x) &gt; 1e-9 or so,
/// and binary cross-entropy clips probabilities at 1e-7 anyway. The GLM statistics use an exact Φ on the host.
/// </summary>
public sealed class Probit : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "probit";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        var zero = x.Eq(0.0);
        // x = 0 is replaced by 1 before dividing so that neither the value nor the gradient sees 0/0.
        var safe = Tensor.Where(zero, x * 0 + 1, x);
        return Tensor.Where(zero, x * 0 + 0.5, safe.Gelu() / safe);
    }
}
