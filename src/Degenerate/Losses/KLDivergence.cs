using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// Kullback–Leibler divergence Σ y·log(y / ŷ) over the last axis, with both clipped to [1e-7, 1] as Keras does
/// (<c>keras.losses.KLDivergence</c>): targets and predictions are probability distributions.
/// </summary>
public sealed class KLDivergence : Loss
{
    /// <inheritdoc/>
    public override string Name => "kl_divergence";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var t = yTrue.Clamp(Epsilon, 1);
        using var p = yPred.Clamp(Epsilon, 1);
        using var ratio = t / p;
        using var log = ratio.Log();
        using var terms = t * log;
        return terms.Sum(-1);
    }
}
