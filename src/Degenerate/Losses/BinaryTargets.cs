using System.Globalization;
using Degenerate.Tensors;

namespace Degenerate.Losses;

// What the binary cross-entropies (BinaryCrossentropy, BinaryFocalCrossentropy) share: label smoothing, the clipped
// element-wise cross-entropy on probabilities, and the check that labels lie in [0, 1].
internal static class BinaryTargets
{
    /// <summary>Validates Keras's <c>label_smoothing</c> (in [0, 1]) and returns it.</summary>
    public static double CheckSmoothing(double labelSmoothing) =>
        labelSmoothing >= 0 && labelSmoothing <= 1 ? labelSmoothing
            : throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "labelSmoothing must be in [0, 1]");

    /// <summary>y·(1 − ls) + 0.5·ls, a new tensor the caller disposes; null when ls is 0 (use y as it is).</summary>
    public static Tensor? Smooth(Tensor yTrue, double labelSmoothing)
    {
        if (labelSmoothing == 0) return null;
        using var scaled = yTrue * (1 - labelSmoothing);
        return scaled + 0.5 * labelSmoothing;
    }

    /// <summary>
    /// −[y·log p + (1 − y)·log(1 − p)] element by element, with p clipped to [ε, 1 − ε] as Keras's backend
    /// binary_crossentropy on probabilities.
    /// </summary>
    public static Tensor Clipped(Tensor yTrue, Tensor probabilities)
    {
        using var p = probabilities.Clamp(Loss.Epsilon, 1 - Loss.Epsilon);
        using var logP = p.Log();
        using var oneMinusP = 1 - p;
        using var logQ = oneMinusP.Log();
        using var oneMinusY = 1 - yTrue;
        using var a = yTrue * logP;
        using var b = oneMinusY * logQ;
        using var sum = a + b;
        return -sum;
    }

    /// <summary>Throws naming <paramref name="argument"/> and the range found when a label lies outside [0, 1].</summary>
    public static void CheckLabels(Tensor y, string argument, string loss)
    {
        using var min = y.Min();
        using var max = y.Max();
        double lo = min.Item(), hi = max.Item();
        if (lo < 0 || hi > 1)
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{argument} holds labels in [{lo}, {hi}], but {loss} needs labels in [0, 1]"), argument);
    }
}
