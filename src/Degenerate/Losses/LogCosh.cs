using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// mean(log(cosh(ŷ − y))) over the last axis, as <c>keras.losses.LogCosh</c>: about x²/2 for small errors and |x| − log 2
/// for large ones. Computed as x + softplus(−2x) − log 2, which does not overflow.
/// </summary>
public sealed class LogCosh : Loss
{
    /// <inheritdoc/>
    public override string Name => "log_cosh";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var x = yPred - yTrue;
        using var minus2x = x * -2.0;
        using var softplus = minus2x.Softplus();
        using var sum = x + softplus;
        using var shifted = sum - Math.Log(2.0);
        return shifted.Mean(-1);
    }
}
