namespace Degenerate.Metrics;

/// <summary>
/// IoU for one-hot targets, as <c>keras.metrics.OneHotIoU</c>: <see cref="IoU"/> with the targets' argmax as their
/// class and, by default, the predictions' argmax too.
/// </summary>
public sealed class OneHotIoU : IoU
{
    /// <summary>Creates the metric.</summary>
    /// <param name="numClasses">Number of classes, &gt; 0.</param>
    /// <param name="targetClassIds">The classes whose IoUs are averaged.</param>
    /// <param name="name">The logged name (Keras's default "one_hot_io_u").</param>
    /// <param name="ignoreClass">A target class left out, or null.</param>
    /// <param name="sparseYPred">Predictions are class ids (default false: rows of scores, argmax taken).</param>
    public OneHotIoU(int numClasses, IReadOnlyList<int> targetClassIds, string name = "one_hot_io_u", int? ignoreClass = null,
        bool sparseYPred = false) : base(numClasses, targetClassIds, name, ignoreClass, sparseYTrue: false, sparseYPred)
    {
    }
}
