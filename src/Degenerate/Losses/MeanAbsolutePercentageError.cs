using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// 100·mean(|y − ŷ| / max(|y|, 1e-7)) over the last axis, as <c>keras.losses.MeanAbsolutePercentageError</c> ("mape").
/// </summary>
public sealed class MeanAbsolutePercentageError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_absolute_percentage_error";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var diff = yTrue - yPred;
        using var absTrue = yTrue.Abs();
        using var denominator = absTrue.ClampMin(Epsilon);
        using var ratio = diff / denominator;
        using var abs = ratio.Abs();
        using var mean = abs.Mean(-1);
        return mean * 100.0;
    }
}
