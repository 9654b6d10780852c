namespace Degenerate.Metrics;

/// <summary>
/// Categorical cross-entropy (one-hot targets) as a metric, as <c>keras.metrics.CategoricalCrossentropy</c>: the mean
/// per-sample loss.
/// </summary>
public sealed class CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0, string name = "categorical_crossentropy")
    : LossMetric(new Losses.CategoricalCrossentropy(fromLogits, labelSmoothing), name);
