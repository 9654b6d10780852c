namespace Degenerate.Optimizers;

/// <summary>
/// Adam with decoupled weight decay, as Keras 3's AdamW: Adam's update (Keras's formula) preceded, at every step, by
/// w −= w·weightDecay·lr. Defaults: learning rate 0.001, weight decay 0.004, β₁ 0.9, β₂ 0.999, ε 1e-7.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public AdamW(double learningRate = 0.001, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-7, bool amsgrad = false, double? clipNorm = null, double? clipValue = null,
        double? globalClipnorm = null) : base(learningRate, clipNorm, clipValue, weightDecay, globalClipnorm)
    {
        Adam.Check(beta1, beta2, epsilon);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        Amsgrad = amsgrad;
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
    public override string Name => "adamw";

    // Adam's update; the weight decay is applied by the base class before it.
    internal override int NativeKind => 1;

    internal override double[] NativeHyperparameters => [Beta1, Beta2, Epsilon, Amsgrad ? 1 : 0];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["learning_rate"] = LearningRate, ["weight_decay"] = WeightDecay!.Value, ["beta_1"] = Beta1, ["beta_2"] = Beta2,
        ["epsilon"] = Epsilon, ["amsgrad"] = Amsgrad ? 1 : 0,
    };
}
