using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// What <see cref="SensitivityAtSpecificity"/>, <see cref="SpecificityAtSensitivity"/>, <see cref="PrecisionAtRecall"/>
/// and <see cref="RecallAtPrecision"/> share, as Keras's <c>SensitivitySpecificityBase</c>: weighted confusion counts
/// at <c>numThresholds</c> evenly spaced thresholds 0, 1/(n−1), …, 1 (0.5 alone when n is 1), and the best value of one
/// rate among the thresholds where another rate reaches the target <see cref="Value"/> (0 when none does). A prediction
/// is positive above a threshold, a target when it is not 0; with <c>classId</c> only that output column counts.
/// </summary>
public abstract class SensitivitySpecificityBase : Metric
{
    private readonly ConfusionState _state;
    private readonly double[] _thresholds;

    /// <summary>Creates the metric with a validated target, thresholds and class id.</summary>
    /// <param name="value">The target rate in [0, 1].</param>
    /// <param name="valueName">The argument's name in messages ("recall", "precision", ...).</param>
    /// <param name="numThresholds">Number of thresholds, &gt; 0.</param>
    /// <param name="classId">Only this output column counts (null: every output, pooled).</param>
    /// <param name="name">The logged name.</param>
    protected SensitivitySpecificityBase(double value, string valueName, int numThresholds, int? classId, string name) : base(name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(valueName, value, $"{valueName} must be in the range [0, 1]; got {value}");
        if (numThresholds <= 0)
            throw new ArgumentOutOfRangeException(nameof(numThresholds), numThresholds, "numThresholds must be an integer > 0");
        if (classId < 0) throw new ArgumentOutOfRangeException(nameof(classId), classId, "classId must be >= 0");
        Value = value;
        NumThresholds = numThresholds;
        ClassId = classId;
        _thresholds = numThresholds == 1
            ? [0.5]
            : [0.0, .. Enumerable.Range(0, numThresholds - 2).Select(i => (i + 1) * 1.0 / (numThresholds - 1)), 1.0];
        _state = new ConfusionState(_thresholds, classId: classId);
    }

    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    /// <summary>The target the constrained rate must reach.</summary>
    public double Value { get; }

    /// <summary>Number of thresholds.</summary>
    public int NumThresholds { get; }

    /// <summary>The thresholds: 0, 1/(n−1), …, 1, or 0.5 alone.</summary>
    public IReadOnlyList<double> Thresholds => _thresholds;

    /// <summary>The output column counted, or null for all.</summary>
    public int? ClassId { get; }

    /// <summary>The constrained rate and the rate to maximize, from one threshold's counts.</summary>
    private protected abstract (double Constrained, double Dependent) Rates(double tp, double fp, double tn, double fn);

    /// <inheritdoc/>
    protected override void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) =>
        _state.Update(yTrue, yPred, sampleWeight, Name);

    /// <inheritdoc/>
    protected override double[] Compute()
    {
        var (tp, fp, tn, fn) = _state.Read();
        // Keras's _find_max_under_constraint: max(where(constrained >= value, dependent, 0), initial=0).
        var best = 0.0;
        for (var i = 0; i < tp.Length; i++)
        {
            var (constrained, dependent) = Rates(tp[i][0], fp[i][0], tn[i][0], fn[i][0]);
            if (constrained >= Value) best = Math.Max(best, dependent);
        }
        return [best];
    }

    /// <inheritdoc/>
    protected override void Reset() => _state.Dispose();

    private protected static double Sensitivity(double tp, double fn) => ConfusionState.DivideNoNan(tp, tp + fn);

    private protected static double Specificity(double tn, double fp) => ConfusionState.DivideNoNan(tn, tn + fp);

    private protected static double PrecisionOf(double tp, double fp) => ConfusionState.DivideNoNan(tp, tp + fp);
}
