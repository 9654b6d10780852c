namespace Degenerate.Metrics;

/// <summary>
/// The mean IoU over every class, as <c>keras.metrics.MeanIoU</c>: <see cref="IoU"/> with all of
/// 0 … <c>numClasses</c> − 1 as target classes.
/// </summary>
public sealed class MeanIoU : IoU
{
    /// <summary>Creates the metric.</summary>
    /// <param name="numClasses">Number of classes, &gt; 0.</param>
    /// <param name="name">The logged name (Keras's default "mean_io_u").</param>
    /// <param name="ignoreClass">A target class left out, or null.</param>
    /// <param name="sparseYTrue">Targets are class ids (false: rows of scores, argmax taken).</param>
    /// <param name="sparseYPred">Predictions are class ids (false: rows of scores, argmax taken).</param>
    public MeanIoU(int numClasses, string name = "mean_io_u", int? ignoreClass = null, bool sparseYTrue = true, bool sparseYPred = true)
        : base(numClasses, Enumerable.Range(0, Math.Max(numClasses, 0)).ToArray() is { Length: > 0 } all ? all : [0], name,
            ignoreClass, sparseYTrue, sparseYPred)
    {
    }
}
