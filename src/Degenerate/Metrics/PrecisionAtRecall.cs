namespace Degenerate.Metrics;

/// <summary>
/// The best precision tp / (tp + fp) where the recall tp / (tp + fn) is at least the target, as <c>keras.metrics.PrecisionAtRecall</c>: confusion counts at
/// <c>numThresholds</c> evenly spaced thresholds (200 by default) accumulate over the batches; the result is the
/// highest precision among the thresholds whose recall is at least the target (0 when none reaches it).
/// </summary>
public sealed class PrecisionAtRecall : SensitivitySpecificityBase
{
    /// <summary>Creates the metric.</summary>
    /// <param name="recall">The target recall, in [0, 1].</param>
    /// <param name="numThresholds">Number of thresholds, &gt; 0 (Keras default 200).</param>
    /// <param name="classId">Only this output column counts (null: every output, pooled).</param>
    /// <param name="name">The logged name.</param>
    public PrecisionAtRecall(double recall, int numThresholds = 200, int? classId = null, string name = "precision_at_recall")
        : base(recall, nameof(recall), numThresholds, classId, name)
    {
    }

    private protected override (double Constrained, double Dependent) Rates(double tp, double fp, double tn, double fn) =>
        (Sensitivity(tp, fn), PrecisionOf(tp, fp));
}
