using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// mean(max(1 − y·ŷ, 0)) over the last axis, as <c>keras.losses.Hinge</c>. Labels are −1/+1; when every label of the
/// batch is 0 or 1 they are converted to −1/+1 first, as Keras does.
/// </summary>
public sealed class Hinge : Loss
{
    /// <inheritdoc/>
    public override string Name => "hinge";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var margins = HingeLabels.Margins(yTrue, yPred);
        return margins.Mean(-1);
    }
}
