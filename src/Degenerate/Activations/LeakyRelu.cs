using System.Globalization;
using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>Leaky rectified linear unit: x for x ≥ 0, negative_slope·x otherwise (Keras default slope 0.2).</summary>
public sealed class LeakyRelu : ActivationFunction
{
    /// <summary>Creates the activation.</summary>
    /// <param name="negativeSlope">Keras's <c>negative_slope</c>: the slope for x &lt; 0, finite and ≥ 0.</param>
    public LeakyRelu(double negativeSlope = 0.2)
    {
        if (!double.IsFinite(negativeSlope) || negativeSlope < 0)
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope,
                string.Create(CultureInfo.InvariantCulture, $"negativeSlope must be finite and >= 0, got {negativeSlope}"));
        NegativeSlope = negativeSlope;
    }

    /// <summary>Slope of the negative part.</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc/>
    public override string Name => "leaky_relu";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        // relu(x) − s·relu(−x): the gradient is 1 above zero and s below, from two existing differentiable ops.
        using var positive = x.Relu();
        using var negated = -x;
        using var negative = negated.Relu();
        using var scaled = negative * NegativeSlope;
        return positive - scaled;
    }
}
