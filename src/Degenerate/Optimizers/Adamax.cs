namespace Degenerate.Optimizers;

/// <summary>
/// Adamax (Adam with the infinity norm), Keras 3's rule: m += (g − m)(1 − β₁); u = max(β₂·u, |g|);
/// w −= lr·m / ((1 − β₁ᵗ)(u + ε)). Defaults: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
/// </summary>
public sealed class Adamax : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Adamax(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        double? clipNorm = null, double? clipValue = null, double? weightDecay = null, double? globalClipnorm = null)
        : base(learningRate, clipNorm, clipValue, weightDecay, globalClipnorm)
    {
        Adam.Check(beta1, beta2, epsilon);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the exponentially weighted infinity norm.</summary>
    public double Beta2 { get; }

    /// <summary>Added to u.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "adamax";

    internal override int NativeKind => PortableOptimizer.Adamax;

    internal override double[] NativeHyperparameters => [Beta1, Beta2, Epsilon];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["learning_rate"] = LearningRate, ["beta_1"] = Beta1, ["beta_2"] = Beta2, ["epsilon"] = Epsilon,
    };
}
