namespace Degenerate.Optimizers;

/// <summary>
/// Adam with Nesterov momentum (Dozat 2015), Keras 3's rule with the momentum schedule μₜ = β₁(1 − ½·0.96ᵗ):
/// m̂ = μₜ₊₁·m/(1 − Πμ₁..ₜ₊₁) + (1 − μₜ)·g/(1 − Πμ₁..ₜ); v̂ = v/(1 − β₂ᵗ); w −= lr·m̂/(√v̂ + ε).
/// Defaults: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
/// </summary>
public sealed class Nadam : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Nadam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        double? clipNorm = null, double? clipValue = null, double? weightDecay = null, double? globalClipnorm = null)
        : base(learningRate, clipNorm, clipValue, weightDecay, globalClipnorm)
    {
        Adam.Check(beta1, beta2, epsilon);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the first moment (scaled by the momentum schedule).</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to √v̂.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "nadam";

    internal override int NativeKind => PortableOptimizer.Nadam;

    internal override double[] NativeHyperparameters => [Beta1, Beta2, Epsilon];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["learning_rate"] = LearningRate, ["beta_1"] = Beta1, ["beta_2"] = Beta2, ["epsilon"] = Epsilon,
    };
}
