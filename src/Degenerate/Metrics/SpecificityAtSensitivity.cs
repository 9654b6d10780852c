namespace Degenerate.Metrics;

/// <summary>
/// The best specificity tn / (tn + fp) where the sensitivity tp / (tp + fn) is at least the target, as <c>keras.metrics.SpecificityAtSensitivity</c>: confusion counts at
/// <c>numThresholds</c> evenly spaced thresholds (200 by default) accumulate over the batches; the result is the
/// highest specificity among the thresholds whose sensitivity is at least the target (0 when none reaches it).
/// </summary>
public sealed class SpecificityAtSensitivity : SensitivitySpecificityBase
{
    /// <summary>Creates the metric.</summary>
    /// <param name="sensitivity">The target sensitivity, in [0, 1].</param>
    /// <param name="numThresholds">Number of thresholds, &gt; 0 (Keras default 200).</param>
    /// <param name="classId">Only this output column counts (null: every output, pooled).</param>
    /// <param name="name">The logged name.</param>
    public SpecificityAtSensitivity(double sensitivity, int numThresholds = 200, int? classId = null, string name = "specificity_at_sensitivity")
        : base(sensitivity, nameof(sensitivity), numThresholds, classId, name)
    {
    }

    private protected override (double Constrained, double Dependent) Rates(double tp, double fp, double tn, double fn) =>
        (Sensitivity(tp, fn), Specificity(tn, fp));
}
