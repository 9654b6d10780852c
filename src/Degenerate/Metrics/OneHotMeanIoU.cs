namespace Degenerate.Metrics;

/// <summary>
/// The mean IoU over every class for one-hot targets, as <c>keras.metrics.OneHotMeanIoU</c>: <see cref="MeanIoU"/>
/// with the targets' argmax as their class and, by default, the predictions' argmax too.
/// </summary>
public sealed class OneHotMeanIoU : IoU
{
    /// <summary>Creates the metric.</summary>
    /// <param name="numClasses">Number of classes, &gt; 0.</param>
    /// <param name="name">The logged name (Keras's default "one_hot_mean_io_u").</param>
    /// <param name="ignoreClass">A target class left out, or null.</param>
    /// <param name="sparseYPred">Predictions are class ids (default false: rows of scores, argmax taken).</param>
    public OneHotMeanIoU(int numClasses, string name = "one_hot_mean_io_u", int? ignoreClass = null, bool sparseYPred = false)
        : base(numClasses, Enumerable.Range(0, Math.Max(numClasses, 0)).ToArray() is { Length: > 0 } all ? all : [0], name,
            ignoreClass, sparseYTrue: false, sparseYPred)
    {
    }
}
