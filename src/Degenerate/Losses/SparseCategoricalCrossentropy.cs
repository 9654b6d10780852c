using Degenerate.Activations;
using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// Categorical cross-entropy for integer class labels in [0, k): −log p[label]. After a softmax output it is
/// computed from the logits (−log_softmax(z)[label]), exactly and stably.
/// </summary>
public sealed class SparseCategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss; <paramref name="fromLogits"/> means the model outputs logits (no softmax).</summary>
    public SparseCategoricalCrossentropy(bool fromLogits = false) => FromLogits = fromLogits;

    /// <summary>Whether predictions are logits rather than probabilities.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    public override string Name => "sparse_categorical_crossentropy";

    /// <inheritdoc/>
    public override bool TakesClassIndices => true;

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        if (FromLogits) return FromLogitValues(yTrue, yPred);
        using var total = yPred.Sum(-1, keepDim: true);
        using var normalized = yPred / total;
        using var p = normalized.Clamp(Epsilon, 1 - Epsilon);
        using var logP = p.Log();
        return Pick(logP, yTrue);
    }

    /// <inheritdoc/>
    public override Tensor? PerSampleFromLogits(Tensor yTrue, Tensor logits, ActivationFunction activation) =>
        !FromLogits && activation is Softmax ? FromLogitValues(yTrue, logits) : null;

    private static Tensor FromLogitValues(Tensor yTrue, Tensor logits)
    {
        using var logP = logits.LogSoftmax(-1);
        return Pick(logP, yTrue);
    }

    // −logP[i, label_i] for each row i.
    private static Tensor Pick(Tensor logP, Tensor labels)
    {
        using var column = labels.Reshape(-1, 1);
        using var picked = logP.Gather(1, column);
        using var flat = picked.Reshape(-1);
        return -flat;
    }

    /// <inheritdoc/>
    public override void ValidateTargets(Tensor y, long outputUnits, string argument)
    {
        if (!(y.Rank == 1 || (y.Rank == 2 && y.Size(1) == 1)))
            throw new ArgumentException(
                $"{argument} has shape {y.ShapeString}: sparse categorical cross-entropy needs one integer class label per row", argument);
        if (y.DType != DType.Int64)
            throw new ArgumentException($"{argument} has dtype {y.DType.Name()}: class labels must be integers (int[] or int64)", argument);
        using var min = y.Min();
        using var max = y.Max();
        long lo = (long)min.Item(), hi = (long)max.Item();
        if (lo < 0 || hi >= outputUnits)
            throw new ArgumentException(
                $"{argument} holds class indices in [{lo}, {hi}], but the model has {outputUnits} classes: indices must be in [0, {outputUnits - 1}]",
                argument);
    }
}
