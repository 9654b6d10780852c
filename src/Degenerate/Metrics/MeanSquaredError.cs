using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>mean((y − ŷ)²) as a metric ("mse").</summary>
public sealed class MeanSquaredError(string name = "mean_squared_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var diff = yPred - yTrue;
        using var sq = diff.Square();
        return sq.Mean(-1);
    }
}
