using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>mean(|y − ŷ|) as a metric ("mae").</summary>
public sealed class MeanAbsoluteError(string name = "mean_absolute_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var diff = yPred - yTrue;
        using var abs = diff.Abs();
        return abs.Mean(-1);
    }
}
