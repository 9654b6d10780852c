namespace Degenerate.Optimizers;

/// <summary>
/// Adam with Keras's formula: α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ); w −= α·m/(√v + ε) (ε outside the bias correction, unlike
/// PyTorch). Defaults: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        bool amsgrad = false, double? clipNorm = null, double? clipValue = null, double? weightDecay = null,
        double? globalClipnorm = null) : base(learningRate, clipNorm, clipValue, weightDecay, globalClipnorm)
    {
        Check(beta1, beta2, epsilon);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        Amsgrad = amsgrad;
    }

    // The checks every Adam-family optimizer shares (the argument names are the constructors' own).
    internal static void Check(double beta1, double beta2, double epsilon)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1)");
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be > 0");
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to √v.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the AMSGrad variant (running maximum of v) is used.</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc/>
    public override string Name => "adam";

    internal override int NativeKind => 1;

    internal override double[] NativeHyperparameters => [Beta1, Beta2, Epsilon, Amsgrad ? 1 : 0];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["learning_rate"] = LearningRate, ["beta_1"] = Beta1, ["beta_2"] = Beta2, ["epsilon"] = Epsilon,
        ["amsgrad"] = Amsgrad ? 1 : 0,
    };
}
