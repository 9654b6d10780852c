namespace Degenerate.Optimizers;

/// <summary>
/// Stochastic gradient descent, Keras's rule: v = μ·v − lr·g; w += v (Nesterov: w += μ·v − lr·g).
/// Defaults: learning rate 0.01, momentum 0.
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public SGD(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false, double? clipNorm = null,
        double? clipValue = null, double? weightDecay = null,
        double? globalClipnorm = null) : base(learningRate, clipNorm, clipValue, weightDecay, globalClipnorm)
    {
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1]");
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum μ.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override string Name => "sgd";

    internal override int NativeKind => 0;

    internal override double[] NativeHyperparameters => [Momentum, Nesterov ? 1 : 0];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["learning_rate"] = LearningRate, ["momentum"] = Momentum, ["nesterov"] = Nesterov ? 1 : 0,
    };
}
