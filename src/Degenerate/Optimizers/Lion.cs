namespace Degenerate.Optimizers;

/// <summary>
/// Lion (Chen et al. 2023, "evolved sign momentum"), Keras 3's rule: w −= lr·sign(β₁·m + (1 − β₁)·g), then
/// m = β₂·m + (1 − β₂)·g. Every step moves each weight by exactly lr, so Lion wants a smaller learning rate than Adam.
/// Defaults: learning rate 0.001, β₁ 0.9, β₂ 0.99.
/// </summary>
public sealed class Lion : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Lion(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.99, double? clipNorm = null,
        double? clipValue = null, double? weightDecay = null, double? globalClipnorm = null)
        : base(learningRate, clipNorm, clipValue, weightDecay, globalClipnorm)
    {
        // Keras refuses β₁ ≤ 0: the update would be plain sign SGD.
        if (!(beta1 > 0 && beta1 <= 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in (0, 1]");
        if (!(beta2 >= 0 && beta2 <= 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1]");
        Beta1 = beta1;
        Beta2 = beta2;
    }

    /// <summary>Weight of the momentum in the signed update.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the momentum.</summary>
    public double Beta2 { get; }

    /// <inheritdoc/>
    public override string Name => "lion";

    internal override int NativeKind => PortableOptimizer.Lion;

    internal override double[] NativeHyperparameters => [Beta1, Beta2];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["learning_rate"] = LearningRate, ["beta_1"] = Beta1, ["beta_2"] = Beta2,
    };
}
