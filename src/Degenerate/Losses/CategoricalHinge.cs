using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// max(neg − pos + 1, 0) with pos = Σ y·ŷ and neg = max((1 − y)·ŷ) over the last axis, as
/// <c>keras.losses.CategoricalHinge</c> (one-hot targets).
/// </summary>
public sealed class CategoricalHinge : Loss
{
    /// <inheritdoc/>
    public override string Name => "categorical_hinge";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var hit = yTrue * yPred;
        using var pos = hit.Sum(-1);
        using var others = 1 - yTrue;
        using var miss = others * yPred;
        using var neg = miss.Max(-1);
        using var diff = neg - pos;
        using var margin = diff + 1;
        return margin.ClampMin(0);
    }
}
