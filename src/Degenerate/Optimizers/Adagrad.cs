namespace Degenerate.Optimizers;

/// <summary>
/// Adagrad with Keras's formula: acc += g²; w −= lr·g/√(acc + ε), the accumulator starting at 0.1.
/// Defaults: learning rate 0.001, initial accumulator 0.1, ε 1e-7.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Adagrad(double learningRate = 0.001, double initialAccumulatorValue = 0.1, double epsilon = 1e-7,
        double? clipNorm = null, double? clipValue = null, double? weightDecay = null,
        double? globalClipnorm = null) : base(learningRate, clipNorm, clipValue, weightDecay, globalClipnorm)
    {
        if (!(initialAccumulatorValue >= 0) || !double.IsFinite(initialAccumulatorValue))
            throw new ArgumentOutOfRangeException(nameof(initialAccumulatorValue), initialAccumulatorValue, "initialAccumulatorValue must be a finite value >= 0");
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be > 0");
        InitialAccumulatorValue = initialAccumulatorValue;
        Epsilon = epsilon;
    }

    /// <summary>Starting value of the squared-gradient accumulator.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>Added inside the square root.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "adagrad";

    internal override int NativeKind => 3;

    internal override double[] NativeHyperparameters => [InitialAccumulatorValue, Epsilon];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["learning_rate"] = LearningRate, ["initial_accumulator_value"] = InitialAccumulatorValue, ["epsilon"] = Epsilon,
    };
}
