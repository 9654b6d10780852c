using Degenerate.Tensors;

namespace Degenerate.Statistics;

internal static partial class DistributedGlm
{
    // GlmWarmStart's sample Newton limits (private there): the sample's MLE is only ~1/√m from the full one, and a
    // well-posed sample converges in well under 20 steps. Kept equal so both fits take the same steps.
    private const double SampleTolerance = 1e-4;
    private const int SampleIterations = 20;

    /// <summary>
    /// GlmWarmStart across ranks: Newton on the union's every <see cref="GlmWarmStart.Stride"/>-th row (global row
    /// index, ranks in order, so the sample is the single-process fit's own), each pass one all-reduce as in the
    /// full Newton. Moves β to the sample's MLE when the sample's Newton converges cleanly; returns whether it did.
    /// Every decision comes from reduced values, so every rank decides the same.
    /// </summary>
    private static bool WarmStart(GlmProblem problem, Tensor beta, double tolerance, int maxIterations)
    {
        if (!GlmWarmStart.Applies(problem, problem.ProblemKernels)) return false;
        var sums = problem.Shards!;
        var stride = GlmWarmStart.Stride;
        long local = problem.YHost.LongLength;
        // This rank's first global row: the rows of the ranks before it.
        var counts = sums.Gather([local]);
        long offset = 0;
        for (var r = 0; r < sums.Group.Rank; r++) offset += (long)counts[r][0];
        var first = (stride - offset % stride) % stride;
        var taken = first < local ? (local - first + stride - 1) / stride : 0;
        var sampleRows = (sums.Rows + stride - 1) / stride;

        using var sample = Sample(problem, first, taken, new DistributedSums(sums.Group, sampleRows));
        var sampleWeight = sums.Sum(sample.WHost?.Sum() ?? sample.YHost.Length)[0];
        using var start = beta.Clone();
        var o = Newton(sample, beta, Math.Max(tolerance, SampleTolerance), Math.Min(maxIterations, SampleIterations), sampleWeight);
        o.Information?.Dispose();
        if (o.Converged && !o.Perfect && o.Fallbacks == 0) return true;
        beta.CopyFrom(start);
        return false;
    }

    // The rows first, first + stride, ... of this rank as a problem of their own (contiguous copies: the fused kernels'
    // fast paths read contiguous rows), summed over the ranks by `shards`.
    private static GlmProblem Sample(GlmProblem problem, long first, long taken, DistributedSums shards)
    {
        var stride = GlmWarmStart.Stride;
        Tensor Rows(Tensor t)
        {
            var shape = (long[])t.Shape.Clone();
            shape[0] = taken;
            var copy = Tensor.Zeros(shape, t.DType, t.Device);
            if (taken > 0)
            {
                using var rows = t.Slice(0, first, first + (taken - 1) * stride + 1, stride);
                copy.CopyFrom(rows);
            }
            return copy;
        }
        double[]? Host(double[]? a) => a is null ? null : Enumerable.Range(0, (int)taken).Select(i => a[first + i * stride]).ToArray();
        Tensor? x = null, y = null, w = null;
        try
        {
            x = Rows(problem.X);
            y = Rows(problem.Y);
            w = problem.W is null ? null : Rows(problem.W);
            return new GlmProblem
            {
                X = x, Y = y, W = w, YHost = Host(problem.YHost)!, WHost = Host(problem.WHost), Family = problem.Family,
                Link = problem.Link, Intercept = problem.Intercept, ColumnNames = problem.ColumnNames, Classes = problem.Classes,
                Alpha = problem.Alpha, Shards = shards, TotalRows = shards.Rows,
            };
        }
        catch
        {
            x?.Dispose();
            y?.Dispose();
            w?.Dispose();
            throw;
        }
    }
}
