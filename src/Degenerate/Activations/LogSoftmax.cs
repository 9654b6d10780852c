using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>log(softmax(x)) over the last axis, computed stably (x − logsumexp(x)), as <c>keras.activations.log_softmax</c>.</summary>
public sealed class LogSoftmax : ActivationFunction
{
    /// <inheritdoc/>
    public override string Name => "log_softmax";

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => x.LogSoftmax(-1);
}
