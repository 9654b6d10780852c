using Degenerate.Activations;
using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// The negative binomial (NB2) negative log-likelihood with a given α, V(μ) = μ + αμ², up to terms free of the
/// weights: mean((y + 1/α)·log(1 + αμ) − y·log μ, axis = −1), reduced like every loss (Keras's sum_over_batch_size).
/// After an exponential output it is computed from the linear predictor z as (y + 1/α)·softplus(z + log α) − y·z,
/// exactly. With a Dense(1) exponential layer this is the negative binomial GLM (log link) with that α, statsmodels'
/// <c>GLM(family=NegativeBinomial(alpha))</c>, and <c>Glm.FromModel</c> reads it as such. Not a Keras loss.
/// </summary>
public sealed class NegativeBinomial : Loss
{
    /// <summary>A negative binomial loss with dispersion <paramref name="alpha"/> (statsmodels' default 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">alpha is not a finite value &gt; 0.</exception>
    public NegativeBinomial(double alpha = 1.0)
    {
        if (!(alpha > 0) || !double.IsFinite(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha (the negative binomial's dispersion) must be a finite value > 0");
        Alpha = alpha;
    }

    /// <summary>The dispersion α in V(μ) = μ + αμ².</summary>
    public double Alpha { get; }

    /// <inheritdoc/>
    public override string Name => "negative_binomial";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        // μ clamped at Keras's epsilon so that log μ stays finite for a zero prediction.
        using var mu = yPred.ClampMin(Epsilon);
        using var scaled = mu * Alpha;
        using var log1p = scaled.Log1p();
        using var size = yTrue + 1 / Alpha;
        using var first = size * log1p;
        using var logMu = mu.Log();
        using var ylog = yTrue * logMu;
        using var diff = first - ylog;
        return diff.Mean(-1);
    }

    /// <inheritdoc/>
    public override Tensor? PerSampleFromLogits(Tensor yTrue, Tensor logits, ActivationFunction activation)
    {
        if (activation is not Exponential) return null;
        // log(1 + α·e^z) = softplus(z + log α).
        using var shifted = logits + Math.Log(Alpha);
        using var softplus = shifted.Softplus();
        using var size = yTrue + 1 / Alpha;
        using var first = size * softplus;
        using var yz = yTrue * logits;
        using var diff = first - yz;
        return diff.Mean(-1);
    }

    /// <inheritdoc/>
    public override void ValidateTargets(Tensor y, long outputUnits, string argument)
    {
        base.ValidateTargets(y, outputUnits, argument);
        ThrowIfNegativeCounts(y, argument, "negative binomial");
    }
}
