using Degenerate.Activations;
using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// −Σ_j y_j · log p_j over the last axis, for one-hot (or probability) targets. After a softmax output the loss is
/// computed as −Σ y·log_softmax(z), exactly and stably; otherwise probabilities are renormalized and clipped as Keras
/// does. With a Dense(k) softmax layer this is multinomial logistic regression.
/// </summary>
public sealed class CategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss; <paramref name="fromLogits"/> means the model outputs logits (no softmax).</summary>
    /// <param name="fromLogits">The model outputs logits rather than probabilities.</param>
    /// <param name="labelSmoothing">Keras's <c>label_smoothing</c> in [0, 1]: targets become y·(1 − ls) + ls/classes.</param>
    public CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "labelSmoothing must be in [0, 1]");
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>How far targets are pulled towards the uniform distribution (0: not at all).</summary>
    public double LabelSmoothing { get; }

    // The smoothed targets (a new tensor the caller disposes), or null when there is no smoothing.
    private Tensor? Smooth(Tensor yTrue)
    {
        if (LabelSmoothing == 0) return null;
        using var scaled = yTrue * (1 - LabelSmoothing);
        return scaled + LabelSmoothing / yTrue.Size(yTrue.Rank - 1);
    }

    /// <summary>Whether predictions are logits rather than probabilities.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    public override string Name => "categorical_crossentropy";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var smoothed = Smooth(yTrue);
        return PerSampleOf(smoothed ?? yTrue, yPred);
    }

    private Tensor PerSampleOf(Tensor yTrue, Tensor yPred)
    {
        if (FromLogits) return FromLogitValues(yTrue, yPred);
        using var total = yPred.Sum(-1, keepDim: true);
        using var normalized = yPred / total;
        using var p = normalized.Clamp(Epsilon, 1 - Epsilon);
        using var logP = p.Log();
        using var prod = yTrue * logP;
        using var sum = prod.Sum(-1);
        return -sum;
    }

    /// <inheritdoc/>
    public override Tensor? PerSampleFromLogits(Tensor yTrue, Tensor logits, ActivationFunction activation)
    {
        if (FromLogits || activation is not Softmax) return null;
        using var smoothed = Smooth(yTrue);
        return FromLogitValues(smoothed ?? yTrue, logits);
    }

    private static Tensor FromLogitValues(Tensor yTrue, Tensor logits)
    {
        using var logP = logits.LogSoftmax(-1);
        using var prod = yTrue * logP;
        using var sum = prod.Sum(-1);
        return -sum;
    }

    /// <inheritdoc/>
    public override void ValidateTargets(Tensor y, long outputUnits, string argument)
    {
        if (y.Rank == 1 || (y.Rank == 2 && y.Size(1) == 1 && outputUnits > 1))
            throw new ArgumentException(
                $"{argument} has shape {y.ShapeString}: categorical cross-entropy needs one-hot targets of shape [{y.Size(0)}, {outputUnits}]; " +
                "for integer class labels use SparseCategoricalCrossentropy", argument);
        base.ValidateTargets(y, outputUnits, argument);
        using var min = y.Min();
        if (min.Item() < 0)
            throw new ArgumentException($"{argument} holds negative values; one-hot targets must be in [0, 1]", argument);
    }
}
