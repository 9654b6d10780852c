using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// mean(max(1 − y·ŷ, 0)²) over the last axis, as <c>keras.losses.SquaredHinge</c>; 0/1 labels are converted to −1/+1
/// as for <see cref="Hinge"/>.
/// </summary>
public sealed class SquaredHinge : Loss
{
    /// <inheritdoc/>
    public override string Name => "squared_hinge";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var margins = HingeLabels.Margins(yTrue, yPred);
        using var sq = margins.Square();
        return sq.Mean(-1);
    }
}
