namespace Degenerate.Metrics;

/// <summary>Binary cross-entropy as a metric, as <c>keras.metrics.BinaryCrossentropy</c>: the mean per-sample loss.</summary>
public sealed class BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0, string name = "binary_crossentropy")
    : LossMetric(new Losses.BinaryCrossentropy(fromLogits, labelSmoothing), name);
