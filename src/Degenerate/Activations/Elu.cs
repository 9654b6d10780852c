using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>Exponential linear unit: x for x &gt; 0, alpha·(e^x − 1) otherwise.</summary>
public sealed class Elu : ActivationFunction
{
    /// <summary>Creates the activation with the given alpha (Keras default 1.0).</summary>
    public Elu(double alpha = 1.0) =>
        Alpha = double.IsFinite(alpha) ? alpha : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be a finite number");

    /// <summary>Scale of the negative part.</summary>
    public double Alpha { get; }

    /// <inheritdoc/>
    public override string Name => "elu";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Elu(Alpha);
}
