using Degenerate.Activations;
using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// mean(ŷ − y·log(ŷ + 1e-7), axis = −1), Keras's Poisson loss: the Poisson negative log-likelihood up to a term
/// free of the weights. After an exponential output it is computed from the linear predictor z as e^z − y·z, exactly.
/// With a Dense(1) exponential layer this is Poisson regression (log link).
/// </summary>
public sealed class Poisson : Loss
{
    /// <inheritdoc/>
    public override string Name => "poisson";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var shifted = yPred + Epsilon;
        using var log = shifted.Log();
        using var ylog = yTrue * log;
        using var diff = yPred - ylog;
        return diff.Mean(-1);
    }

    /// <inheritdoc/>
    public override Tensor? PerSampleFromLogits(Tensor yTrue, Tensor logits, ActivationFunction activation)
    {
        if (activation is not Exponential) return null;
        using var mu = logits.Exp();
        using var yz = yTrue * logits;
        using var diff = mu - yz;
        return diff.Mean(-1);
    }

    /// <inheritdoc/>
    public override void ValidateTargets(Tensor y, long outputUnits, string argument)
    {
        base.ValidateTargets(y, outputUnits, argument);
        ThrowIfNegativeCounts(y, argument, "Poisson");
    }
}
