namespace Degenerate.Metrics;

/// <summary>
/// The best recall tp / (tp + fn) where the precision tp / (tp + fp) is at least the target, as <c>keras.metrics.RecallAtPrecision</c>: confusion counts at
/// <c>numThresholds</c> evenly spaced thresholds (200 by default) accumulate over the batches; the result is the
/// highest recall among the thresholds whose precision is at least the target (0 when none reaches it).
/// </summary>
public sealed class RecallAtPrecision : SensitivitySpecificityBase
{
    /// <summary>Creates the metric.</summary>
    /// <param name="precision">The target precision, in [0, 1].</param>
    /// <param name="numThresholds">Number of thresholds, &gt; 0 (Keras default 200).</param>
    /// <param name="classId">Only this output column counts (null: every output, pooled).</param>
    /// <param name="name">The logged name.</param>
    public RecallAtPrecision(double precision, int numThresholds = 200, int? classId = null, string name = "recall_at_precision")
        : base(precision, nameof(precision), numThresholds, classId, name)
    {
    }

    private protected override (double Constrained, double Dependent) Rates(double tp, double fp, double tn, double fn) =>
        (PrecisionOf(tp, fp), Sensitivity(tp, fn));
}
