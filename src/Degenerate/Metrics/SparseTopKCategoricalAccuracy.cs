using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// 1 where the integer class label is among the <c>k</c> highest predictions, as
/// <c>keras.metrics.SparseTopKCategoricalAccuracy</c> (default k = 5).
/// </summary>
public sealed class SparseTopKCategoricalAccuracy : MeanMetricWrapper
{
    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    /// <summary>Creates the metric.</summary>
    public SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy") : base(name)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be >= 1");
        K = k;
    }

    /// <summary>How many of the highest predictions count.</summary>
    public int K { get; }

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred) => TopK.Hits(yTrue, yPred, K);
}
