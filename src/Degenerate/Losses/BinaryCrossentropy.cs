using Degenerate.Activations;
using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// −[y·log p + (1 − y)·log(1 − p)], averaged over the last axis. Labels must lie in [0, 1] (fractions are allowed:
/// with sample weights they express successes out of trials). After a sigmoid output the loss is computed from the
/// logits, exactly and stably; otherwise probabilities are clipped to [1e-7, 1 − 1e-7] as Keras does.
/// With a Dense(1) sigmoid layer this is logistic regression.
/// </summary>
public sealed class BinaryCrossentropy : Loss
{
    /// <summary>Creates the loss; <paramref name="fromLogits"/> means the model outputs logits (no sigmoid).</summary>
    /// <param name="fromLogits">The model outputs logits rather than probabilities.</param>
    /// <param name="labelSmoothing">Keras's <c>label_smoothing</c> in [0, 1]: targets become y·(1 − ls) + 0.5·ls.</param>
    public BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0)
    {
        FromLogits = fromLogits;
        LabelSmoothing = BinaryTargets.CheckSmoothing(labelSmoothing);
    }

    /// <summary>How far targets are pulled towards the uniform distribution (0: not at all).</summary>
    public double LabelSmoothing { get; }

    /// <summary>Whether predictions are logits rather than probabilities.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    public override string Name => "binary_crossentropy";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var smoothed = BinaryTargets.Smooth(yTrue, LabelSmoothing);
        return PerSampleOf(smoothed ?? yTrue, yPred);
    }

    private Tensor PerSampleOf(Tensor yTrue, Tensor yPred)
    {
        if (FromLogits) return FromLogitValues(yTrue, yPred);
        using var elementwise = BinaryTargets.Clipped(yTrue, yPred);
        return elementwise.Mean(-1);
    }

    /// <inheritdoc/>
    public override Tensor? PerSampleFromLogits(Tensor yTrue, Tensor logits, ActivationFunction activation)
    {
        if (FromLogits || activation is not Sigmoid) return null;
        using var smoothed = BinaryTargets.Smooth(yTrue, LabelSmoothing);
        return FromLogitValues(smoothed ?? yTrue, logits);
    }

    // softplus(z) − y·z: the same exact, stable value as libtorch's fused binary_cross_entropy_with_logits, but
    // twice differentiable (the fused op has no second derivative in libtorch 1.13), as the Newton solver needs.
    private static Tensor FromLogitValues(Tensor yTrue, Tensor logits)
    {
        using var softplus = logits.Softplus();
        using var yz = yTrue * logits;
        using var elementwise = softplus - yz;
        return elementwise.Mean(-1);
    }

    /// <inheritdoc/>
    public override void ValidateTargets(Tensor y, long outputUnits, string argument)
    {
        base.ValidateTargets(y, outputUnits, argument);
        BinaryTargets.CheckLabels(y, argument, "binary cross-entropy");
    }
}
