using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>
/// Φ(x), the standard normal CDF: with binary cross-entropy, a Dense(1) layer is the probit GLM
/// (<c>Glm.FromModel</c> reads it as Binomial with the probit link). Computed as gelu(x)/x (gelu is x·Φ(x) in libtorch's
/// exact erf form) and, for |x| &lt; 1e-3, by its Taylor series ½ + φ(0)·(x − x³/6 + x⁵/40) (exact to double precision
/// there, with the right gradient at 0). Accurate to about 1e-16/Φ(x) relative: fine wherever Φ(x) &gt; 1e-9 or so,
/// and binary cross-entropy clips probabilities at 1e-7 anyway; the GLM statistics use an exact Φ on the host.
/// </summary>
public sealed class Probit : ActivationFunction
{
    private const double Small = 1e-3;
    private static readonly double Density0 = 1 / Math.Sqrt(2 * Math.PI);

    /// <inheritdoc/>
    public override string Name => "probit";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        var small = x.Abs().Lt(Small);
        // Near 0 the division is replaced by 1 so that neither the value nor the gradient sees 0/0.
        var safe = Tensor.Where(small, x * 0 + 1, x);
        var x2 = x.Square();
        var series = x * (1 - x2 * (1.0 / 6) + x2.Square() * (1.0 / 40)) * Density0 + 0.5;
        return Tensor.Where(small, series, safe.Gelu() / safe);
    }
}
