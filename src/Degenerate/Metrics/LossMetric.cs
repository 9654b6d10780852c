using Degenerate.Losses;
using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// A loss reported as a metric: the (weighted) mean of its per-sample values, as Keras wraps its loss functions
/// ("binary_crossentropy", "kl_divergence", "hinge", ... given as metrics). Predictions are the model's outputs after
/// its final activation.
/// </summary>
public class LossMetric : MeanMetricWrapper
{
    /// <summary>Reports <paramref name="loss"/> under <paramref name="name"/> (the loss's Keras name by default).</summary>
    public LossMetric(Loss loss, string? name = null) : base(name ?? (loss ?? throw new ArgumentNullException(nameof(loss))).Name)
    {
        Loss = loss;
    }

    /// <summary>The loss whose per-sample values are averaged.</summary>
    public Loss Loss { get; }

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred) => Loss.PerSample(yTrue, yPred);
}
