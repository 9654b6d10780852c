using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>1 where argmax(ŷ) equals argmax(y) (one-hot targets), else 0.</summary>
public sealed class CategoricalAccuracy(string name = "categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var a = yTrue.ArgMax(-1);
        using var b = yPred.ArgMax(-1);
        using var hit = a.Eq(b);
        return hit.To(yPred.DType);
    }
}
