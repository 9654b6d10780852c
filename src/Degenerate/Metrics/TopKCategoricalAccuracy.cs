using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// 1 where the true class (argmax of a one-hot target) is among the <c>k</c> highest predictions, as
/// <c>keras.metrics.TopKCategoricalAccuracy</c> (default k = 5). Ties with the k-th score count as in the top k.
/// </summary>
public sealed class TopKCategoricalAccuracy : MeanMetricWrapper
{
    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    /// <summary>Creates the metric.</summary>
    public TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy") : base(name)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be >= 1");
        K = k;
    }

    /// <summary>How many of the highest predictions count.</summary>
    public int K { get; }

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var labels = yTrue.ArgMax(-1);
        return TopK.Hits(labels, yPred, K);
    }
}

// in_top_k without a sort: the true class is in the top k when fewer than k classes score strictly higher (Keras's
// torch backend compares the true score with the k-th largest, so ties are in too).
internal static class TopK
{
    public static Tensor Hits(Tensor labels, Tensor yPred, int k)
    {
        MetricChecks.Matrix(yPred, "top-k accuracy");
        using var scope = new DisposeScope();
        var index = labels.Reshape(-1, 1).To(DType.Int64);
        var trueScore = yPred.Gather(1, index);            // [batch, 1]
        var higher = yPred.Gt(trueScore).To(DType.Float64).Sum(-1);
        var hit = higher.Lt(k).To(yPred.DType);
        return scope.MoveToOuter(hit);
    }
}
