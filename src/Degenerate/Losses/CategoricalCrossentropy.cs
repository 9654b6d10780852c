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
    public CategoricalCrossentropy(bool fromLogits = false) => FromLogits = fromLogits;

    /// <summary>Whether predictions are logits rather than probabilities.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    public override string Name => "categorical_crossentropy";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
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
    public override Tensor? PerSampleFromLogits(Tensor yTrue, Tensor logits, ActivationFunction activation) =>
        !FromLogits && activation is Softmax ? FromLogitValues(yTrue, logits) : null;

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
