using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// Binary focal cross-entropy (Lin et al. 2017), as <c>keras.losses.BinaryFocalCrossentropy</c>: the binary
/// cross-entropy of each output scaled by (1 − p_t)^gamma, where p_t is the probability given to the true label, so
/// easy examples count less; with <c>applyClassBalancing</c> also by alpha for label 1 and 1 − alpha for label 0.
/// Averaged over the last axis. gamma = 0 without balancing is binary cross-entropy.
/// </summary>
public sealed class BinaryFocalCrossentropy : Loss
{
    /// <summary>Creates the loss with Keras's defaults.</summary>
    /// <param name="applyClassBalancing">Weigh label 1 by alpha and label 0 by 1 − alpha.</param>
    /// <param name="alpha">Weight of label 1 when balancing, in [0, 1] (Keras default 0.25).</param>
    /// <param name="gamma">Focusing exponent, ≥ 0 (Keras default 2).</param>
    /// <param name="fromLogits">The model outputs logits rather than probabilities.</param>
    /// <param name="labelSmoothing">Targets become y·(1 − ls) + 0.5·ls; in [0, 1].</param>
    public BinaryFocalCrossentropy(bool applyClassBalancing = false, double alpha = 0.25, double gamma = 2.0,
        bool fromLogits = false, double labelSmoothing = 0)
    {
        if (!(alpha >= 0 && alpha <= 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1]");
        if (!(gamma >= 0) || double.IsInfinity(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be finite and >= 0");
        ApplyClassBalancing = applyClassBalancing;
        Alpha = alpha;
        Gamma = gamma;
        FromLogits = fromLogits;
        LabelSmoothing = BinaryTargets.CheckSmoothing(labelSmoothing);
    }

    /// <summary>Whether labels are weighed by alpha / 1 − alpha.</summary>
    public bool ApplyClassBalancing { get; }

    /// <summary>Weight of label 1 when balancing.</summary>
    public double Alpha { get; }

    /// <summary>Focusing exponent.</summary>
    public double Gamma { get; }

    /// <summary>Whether predictions are logits rather than probabilities.</summary>
    public bool FromLogits { get; }

    /// <summary>How far targets are pulled towards 0.5.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc/>
    public override string Name => "binary_focal_crossentropy";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var scope = new DisposeScope();
        var y = BinaryTargets.Smooth(yTrue, LabelSmoothing) ?? yTrue;
        var p = FromLogits ? yPred.Sigmoid() : yPred;
        var bce = BinaryTargets.Clipped(y, p);
        // p_t from the unclipped probabilities, as Keras.
        var pT = y * p + (1 - y) * (1 - p);
        var focal = (1 - pT).Pow(Gamma) * bce;
        if (ApplyClassBalancing) focal = (y * Alpha + (1 - y) * (1 - Alpha)) * focal;
        var result = focal.Mean(-1);
        return scope.MoveToOuter(result);
    }

    /// <inheritdoc/>
    public override void ValidateTargets(Tensor y, long outputUnits, string argument)
    {
        base.ValidateTargets(y, outputUnits, argument);
        BinaryTargets.CheckLabels(y, argument, "binary focal cross-entropy");
    }
}
