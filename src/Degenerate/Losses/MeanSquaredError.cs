using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>mean((y − ŷ)², axis = −1). With a linear Dense(1) layer this is least-squares (OLS) regression.</summary>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_squared_error";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var diff = yPred - yTrue;
        using var sq = diff.Square();
        return sq.Mean(-1);
    }
}
