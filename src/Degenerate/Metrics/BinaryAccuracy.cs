using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>Share of outputs on the right side of the threshold (0.5): mean((ŷ &gt; t) == y) over the last axis.</summary>
public sealed class BinaryAccuracy(double threshold = 0.5, string name = "binary_accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    /// <summary>Decision threshold on the predicted probability.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var predicted = yPred.Gt(Threshold);
        using var asFloat = predicted.To(yTrue.DType);
        using var hit = asFloat.Eq(yTrue);
        using var hitF = hit.To(yPred.DType);
        return hitF.Mean(-1);
    }
}
