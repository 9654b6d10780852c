using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>1 where argmax(ŷ) equals the integer class label, else 0.</summary>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var labels = yTrue.Reshape(-1);
        using var b = yPred.ArgMax(-1);
        using var hit = labels.Eq(b);
        return hit.To(yPred.DType);
    }
}
