using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// mean((log(max(ŷ, 1e-7) + 1) − log(max(y, 1e-7) + 1))²) over the last axis, as
/// <c>keras.losses.MeanSquaredLogarithmicError</c> ("msle"): values at or below zero count as 1e-7.
/// </summary>
public sealed class MeanSquaredLogarithmicError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_squared_logarithmic_error";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var p = yPred.ClampMin(Epsilon);
        using var t = yTrue.ClampMin(Epsilon);
        using var logP = p.Log1p();
        using var logT = t.Log1p();
        using var diff = logP - logT;
        using var sq = diff.Square();
        return sq.Mean(-1);
    }
}
