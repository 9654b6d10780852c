using System.Globalization;
using Degenerate.Activations;
using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// Gamma negative log-likelihood up to terms free of the weights and the (constant) shape: mean(y/μ + log μ).
/// Minimizing it gives the Gamma GLM's maximum-likelihood coefficients. After an exponential output (log link) it is
/// computed from z as y·e^−z + z, exactly. Not a Keras loss; added so that a Dense(1) layer covers Gamma regression.
/// </summary>
public sealed class Gamma : Loss
{
    /// <inheritdoc/>
    public override string Name => "gamma";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var mu = yPred.ClampMin(Epsilon);
        using var ratio = yTrue / mu;
        using var log = mu.Log();
        using var sum = ratio + log;
        return sum.Mean(-1);
    }

    /// <inheritdoc/>
    public override Tensor? PerSampleFromLogits(Tensor yTrue, Tensor logits, ActivationFunction activation)
    {
        if (activation is not Exponential) return null;
        using var negZ = -logits;
        using var inv = negZ.Exp();
        using var ratio = yTrue * inv;
        using var sum = ratio + logits;
        return sum.Mean(-1);
    }

    /// <inheritdoc/>
    public override void ValidateTargets(Tensor y, long outputUnits, string argument)
    {
        base.ValidateTargets(y, outputUnits, argument);
        using var min = y.Min();
        if (!(min.Item() > 0))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{argument} holds values <= 0 (minimum {min.Item()}); Gamma targets must be positive"), argument);
    }
}
