namespace Degenerate.Metrics;

/// <summary>
/// The best sensitivity tp / (tp + fn) where the specificity tn / (tn + fp) is at least the target, as <c>keras.metrics.SensitivityAtSpecificity</c>: confusion counts at
/// <c>numThresholds</c> evenly spaced thresholds (200 by default) accumulate over the batches; the result is the
/// highest sensitivity among the thresholds whose specificity is at least the target (0 when none reaches it).
/// </summary>
public sealed class SensitivityAtSpecificity : SensitivitySpecificityBase
{
    /// <summary>Creates the metric.</summary>
    /// <param name="specificity">The target specificity, in [0, 1].</param>
    /// <param name="numThresholds">Number of thresholds, &gt; 0 (Keras default 200).</param>
    /// <param name="classId">Only this output column counts (null: every output, pooled).</param>
    /// <param name="name">The logged name.</param>
    public SensitivityAtSpecificity(double specificity, int numThresholds = 200, int? classId = null, string name = "sensitivity_at_specificity")
        : base(specificity, nameof(specificity), numThresholds, classId, name)
    {
    }

    private protected override (double Constrained, double Dependent) Rates(double tp, double fp, double tn, double fn) =>
        (Specificity(tn, fp), Sensitivity(tp, fn));
}
