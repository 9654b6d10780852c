using Degenerate.Tensors;

namespace Degenerate.Metrics;

// Keras's metrics_utils._filter_top_k without a sort: each row keeps its k highest predictions and the others become
// NEG_INF, so no threshold counts them positive. Exactly k stay, as ops.top_k picks them: a tie goes to the lower
// index, so an entry's rank is how many entries score higher plus how many equal ones come before it.
internal static class TopKFilter
{
    // Bounds the [rows, classes, classes] comparison tensor (float64) to about 32 MB per chunk.
    private const long MaxPairs = 4_000_000;

    public static Tensor Apply(Tensor p, int k)
    {
        using var scope = new DisposeScope();
        var classes = p.Size(1);
        if (k >= classes) return scope.MoveToOuter(p.Clone());
        var before = new double[classes * classes];                      // [i, j] = 1 when j < i
        for (var i = 0; i < classes; i++)
            for (var j = 0; j < i; j++) before[i * classes + j] = 1;
        var earlier = Tensor.FromArray(before, [1, classes, classes], p.Device);
        var rows = p.Size(0);
        var chunk = Math.Max(1, MaxPairs / (classes * classes));
        var dropped = Tensor.Full([1, 1], ConfusionState.NegInf, DType.Float64, p.Device);
        var parts = new List<Tensor>();
        for (long start = 0; start < rows; start += chunk)
        {
            var x = p.Slice(0, start, Math.Min(rows, start + chunk));
            var xi = x.Unsqueeze(2);                                       // [n, L, 1]
            var xj = x.Unsqueeze(1);                                       // [n, 1, L]
            var higher = xj.Gt(xi).To(DType.Float64);
            var tiedBefore = xj.Eq(xi).To(DType.Float64) * earlier;
            var rank = (higher + tiedBefore).Sum(2);                       // [n, L]
            parts.Add(Tensor.Where(rank.Lt(k), x, dropped));
        }
        return scope.MoveToOuter(parts.Count == 1 ? parts[0] : Tensor.Cat(parts, 0));
    }
}
