using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// tp / (tp + fn) over every batch since the reset, as <c>keras.metrics.Recall</c>: a prediction is positive above
/// the threshold (0.5 by default; one result per threshold when several are given), a target when it is not 0. With
/// <c>classId</c>, only that output column counts. 0 when no target was positive.
/// </summary>
public sealed class Recall : Metric
{
    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    private readonly ConfusionState _state;

    /// <summary>Creates the metric.</summary>
    /// <param name="thresholds">Thresholds in [0, 1]; null means 0.5.</param>
    /// <param name="classId">Only this output column counts (null: every output, pooled).</param>
    /// <param name="name">The logged name.</param>
    public Recall(double[]? thresholds = null, int? classId = null, string name = "recall") : base(name)
    {
        if (classId < 0) throw new ArgumentOutOfRangeException(nameof(classId), classId, "classId must be >= 0");
        Thresholds = ConfusionState.CheckThresholds(thresholds, 0.5, nameof(thresholds));
        ClassId = classId;
        _state = new ConfusionState([.. Thresholds], classId: classId);
    }

    /// <summary>The thresholds, one result each.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>The output column counted, or null for all.</summary>
    public int? ClassId { get; }

    /// <inheritdoc/>
    protected override void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) =>
        _state.Update(yTrue, yPred, sampleWeight, Name);

    /// <inheritdoc/>
    protected override double[] Compute()
    {
        var (tp, _, _, fn) = _state.Read();
        return tp.Select((t, i) => ConfusionState.DivideNoNan(t[0], t[0] + fn[i][0])).ToArray();
    }

    /// <inheritdoc/>
    protected override void Reset() => _state.Dispose();
}
