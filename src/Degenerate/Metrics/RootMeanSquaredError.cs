using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// √(weighted mean over samples of mean((y − ŷ)²) over the last axis), as <c>keras.metrics.RootMeanSquaredError</c>.
/// </summary>
public sealed class RootMeanSquaredError(string name = "root_mean_squared_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var diff = yPred - yTrue;
        using var sq = diff.Square();
        return sq.Mean(-1);
    }

    /// <inheritdoc/>
    protected override double[] Compute() => [Math.Sqrt(base.Compute()[0])];
}
