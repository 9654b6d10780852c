using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>mean(|y − ŷ|, axis = −1): least-absolute-deviations (median) regression.</summary>
public sealed class MeanAbsoluteError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_absolute_error";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var diff = yPred - yTrue;
        using var abs = diff.Abs();
        return abs.Mean(-1);
    }
}
