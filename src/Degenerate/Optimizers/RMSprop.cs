namespace Degenerate.Optimizers;

/// <summary>
/// RMSprop with Keras's formula: v = ρ·v + (1−ρ)·g²; w −= lr·g/√(v + ε) (ε inside the root).
/// Defaults: learning rate 0.001, ρ 0.9, momentum 0, ε 1e-7, not centered. Keras's default optimizer for Compile.
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public RMSprop(double learningRate = 0.001, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7,
        bool centered = false, double? clipNorm = null, double? clipValue = null, double? weightDecay = null,
        double? globalClipnorm = null) : base(learningRate, clipNorm, clipValue, weightDecay, globalClipnorm)
    {
        if (!(rho >= 0 && rho < 1)) throw new ArgumentOutOfRangeException(nameof(rho), rho, "rho must be in [0, 1)");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1]");
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be > 0");
        Rho = rho;
        Momentum = momentum;
        Epsilon = epsilon;
        Centered = centered;
    }

    /// <summary>Decay of the squared-gradient average.</summary>
    public double Rho { get; }

    /// <summary>Momentum.</summary>
    public double Momentum { get; }

    /// <summary>Added inside the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the variance (not the raw second moment) normalizes the step.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    public override string Name => "rmsprop";

    internal override int NativeKind => 2;

    internal override double[] NativeHyperparameters => [Rho, Momentum, Epsilon, Centered ? 1 : 0];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["learning_rate"] = LearningRate, ["rho"] = Rho, ["momentum"] = Momentum, ["epsilon"] = Epsilon,
        ["centered"] = Centered ? 1 : 0,
    };
}
