using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// IoU of a binary task, as <c>keras.metrics.BinaryIoU</c>: a prediction at or above <c>threshold</c> is class 1,
/// below it class 0; targets are 0/1; the IoUs of <c>targetClassIds</c> (both classes by default) are averaged.
/// </summary>
public sealed class BinaryIoU : IoU
{
    /// <summary>Creates the metric.</summary>
    /// <param name="targetClassIds">The classes averaged: [0, 1] (null), [0] or [1].</param>
    /// <param name="threshold">Predictions ≥ threshold are class 1 (Keras default 0.5).</param>
    /// <param name="name">The logged name (Keras's default "binary_io_u").</param>
    public BinaryIoU(IReadOnlyList<int>? targetClassIds = null, double threshold = 0.5, string name = "binary_io_u")
        : base(2, targetClassIds ?? [0, 1], name)
    {
        if (!double.IsFinite(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be finite");
        Threshold = threshold;
    }

    /// <summary>Predictions at or above it are class 1.</summary>
    public double Threshold { get; }

    private protected override Tensor PredictedIds(Tensor yPred) => yPred.Ge(Threshold);
}
