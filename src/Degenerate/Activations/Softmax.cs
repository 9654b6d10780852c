using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>
/// Softmax over the last axis: each row becomes a probability vector. With categorical cross-entropy, a Dense(k)
/// layer with softmax is multinomial logistic regression.
/// </summary>
public sealed class Softmax : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "softmax";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.Softmax(-1);
}
