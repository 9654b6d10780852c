namespace Degenerate.Layers;

// Mean and population variance of [rows, features] data in float64, per feature or over all values, and Keras's
// rule for merging the statistics of successive batches (keras/src/layers/preprocessing/normalization.py, adapt).
internal sealed record NormalizationStatistics(double[] Mean, double[] Variance, long Count, long Width)
{
    public static NormalizationStatistics Of(double[,] x, bool pooled, string argument)
    {
        var (rows, cols) = (x.GetLength(0), x.GetLength(1));
        if (rows == 0 || cols == 0)
            throw new ArgumentException($"Adapt needs at least one row and one feature; got [{rows}, {cols}]", argument);
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++)
                if (!double.IsFinite(x[i, j]))
                    throw new ArgumentException($"Adapt data must be finite; row {i}, feature {j} is {x[i, j]}", argument);
        var groups = pooled ? 1 : cols;
        var mean = new double[groups];
        var variance = new double[groups];
        long perGroup = pooled ? (long)rows * cols : rows;
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++) mean[pooled ? 0 : j] += x[i, j];
        for (var g = 0; g < groups; g++) mean[g] /= perGroup;
        // Two passes: the sum of squared deviations, not E[x²] − E[x]², which cancels badly for large means.
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++)
            {
                var d = x[i, j] - mean[pooled ? 0 : j];
                variance[pooled ? 0 : j] += d * d;
            }
        for (var g = 0; g < groups; g++) variance[g] /= perGroup;
        return new NormalizationStatistics(mean, variance, rows, cols);
    }

    public NormalizationStatistics Combine(NormalizationStatistics batch, string argument)
    {
        if (batch.Width != Width)
            throw new ArgumentException($"every batch must have {Width} features; one has {batch.Width}", argument);
        // Keras weighs by the values per statistic (rows, or rows × features when pooled): the same ratio either way.
        var total = Count + batch.Count;
        var batchWeight = (double)batch.Count / total;
        var existingWeight = 1 - batchWeight;
        var mean = new double[Mean.Length];
        var variance = new double[Mean.Length];
        for (var g = 0; g < mean.Length; g++)
        {
            mean[g] = Mean[g] * existingWeight + batch.Mean[g] * batchWeight;
            var a = Mean[g] - mean[g];
            var b = batch.Mean[g] - mean[g];
            variance[g] = (Variance[g] + a * a) * existingWeight + (batch.Variance[g] + b * b) * batchWeight;
        }
        return new NormalizationStatistics(mean, variance, total, Width);
    }

    public static double[,] Widen(float[,] x)
    {
        var wide = new double[x.GetLength(0), x.GetLength(1)];
        for (var i = 0; i < x.GetLength(0); i++)
            for (var j = 0; j < x.GetLength(1); j++) wide[i, j] = x[i, j];
        return wide;
    }
}
