using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// What <see cref="Precision"/> and <see cref="Recall"/> share: confusion counts at one or more thresholds (a
/// prediction is positive above the threshold, 0.5 by default; a target when it is not 0), optionally for one output
/// column only, optionally among each row's <c>topK</c> highest predictions only, and one ratio of those counts per
/// threshold.
/// </summary>
public abstract class ThresholdedConfusionMetric : Metric
{
    private readonly ConfusionState _state;

    /// <summary>Creates the metric with validated thresholds and class id.</summary>
    protected ThresholdedConfusionMetric(double[]? thresholds, int? classId, string name, int? topK = null) : base(name)
    {
        if (classId < 0) throw new ArgumentOutOfRangeException(nameof(classId), classId, "classId must be >= 0");
        if (topK < 1) throw new ArgumentOutOfRangeException(nameof(topK), topK, "topK must be >= 1");
        // Keras: with top_k and no thresholds, every top-k prediction counts as positive (threshold NEG_INF).
        Thresholds = thresholds is null or { Length: 0 } && topK is not null
            ? [ConfusionState.NegInf]
            : ConfusionState.CheckThresholds(thresholds, 0.5, nameof(thresholds));
        ClassId = classId;
        TopK = topK;
        _state = new ConfusionState([.. Thresholds], classId: classId, topK: topK);
    }

    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    /// <summary>The thresholds, one result each.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>The output column counted, or null for all.</summary>
    public int? ClassId { get; }

    /// <summary>Only each row's k highest predictions can count as positive (null: every prediction).</summary>
    public int? TopK { get; }

    /// <summary>The figure from one threshold's counts (true/false positives, true/false negatives).</summary>
    private protected abstract double Ratio(double tp, double fp, double tn, double fn);

    /// <inheritdoc/>
    protected override void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) =>
        _state.Update(yTrue, yPred, sampleWeight, Name);

    /// <inheritdoc/>
    protected override double[] Compute()
    {
        var (tp, fp, tn, fn) = _state.Read();
        return tp.Select((t, i) => Ratio(t[0], fp[i][0], tn[i][0], fn[i][0])).ToArray();
    }

    /// <inheritdoc/>
    protected override void Reset() => _state.Dispose();
}
