using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>Logistic function 1 / (1 + e^-x): the logistic-regression link.</summary>
public sealed class Sigmoid : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "sigmoid";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Sigmoid();
}
