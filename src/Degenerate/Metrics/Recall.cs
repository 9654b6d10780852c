namespace Degenerate.Metrics;

/// <summary>
/// tp / (tp + fn) over every batch since the reset, as <c>keras.metrics.Recall</c>: a prediction is positive above
/// the threshold (0.5 by default; one result per threshold when several are given), a target when it is not 0. With
/// <c>classId</c>, only that output column counts; with <c>topK</c>, only each row's k highest predictions (before
/// <c>classId</c> picks its column, as in Keras). 0 when no target was positive.
/// </summary>
public sealed class Recall : ThresholdedConfusionMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="thresholds">Thresholds in [0, 1]; null means 0.5.</param>
    /// <param name="classId">Only this output column counts (null: every output, pooled).</param>
    /// <param name="name">The logged name.</param>
    /// <param name="topK">Only each row's k highest predictions count (ties to the lower index, as Keras's
    /// <c>top_k</c>); without thresholds every one of them is positive. Needs [batch, classes] predictions.</param>
    public Recall(double[]? thresholds = null, int? classId = null, string name = "recall", int? topK = null)
        : base(thresholds, classId, name, topK)
    {
    }

    private protected override double Ratio(double tp, double fp, double tn, double fn) => ConfusionState.DivideNoNan(tp, tp + fn);
}
