using Degenerate.Distributed;

namespace Degenerate.Statistics;

/// <summary>
/// The reductions a distributed GLM fit (<see cref="DistributedGlm"/>) makes over its ranks' rows: every call is one
/// float64 all-reduce, made by every rank in the same order (the statistics' control flow depends only on reduced
/// values, so it is the same everywhere). Keeps the union's row count.
/// </summary>
internal sealed class DistributedSums
{
    public DistributedSums(ProcessGroup group, long rows)
    {
        Group = group;
        Rows = rows;
    }

    public ProcessGroup Group { get; }

    /// <summary>Rows on every rank together.</summary>
    public long Rows { get; }

    /// <summary>The element-wise sums of <paramref name="values"/> over the ranks (a new array).</summary>
    public double[] Sum(params double[] values)
    {
        var copy = (double[])values.Clone();
        Group.AllReduce(copy);
        return copy;
    }

    /// <summary>Sums <paramref name="m"/> over the ranks, in place.</summary>
    public void SumInPlace(double[,] m)
    {
        int r = m.GetLength(0), c = m.GetLength(1);
        var flat = new double[r * c];
        Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof(double));
        Group.AllReduce(flat);
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
    }

    /// <summary>The element-wise maxima over the ranks (a new array).</summary>
    public double[] Max(params double[] values)
    {
        var copy = (double[])values.Clone();
        Group.AllReduce(copy, CollectiveOp.Max);
        return copy;
    }

    /// <summary>Every rank's <paramref name="values"/> (all of one length), in rank order: [rank][i].</summary>
    public double[][] Gather(double[] values)
    {
        int w = Group.WorldSize, n = values.Length;
        var slots = new double[w * n];
        Array.Copy(values, 0, slots, Group.Rank * n, n);
        Group.AllReduce(slots);
        return Enumerable.Range(0, w).Select(r => slots[(r * n)..((r + 1) * n)]).ToArray();
    }

    /// <summary>The value of the lowest rank that has one (the union's first row's); throws when none has.</summary>
    public double First(double? local)
    {
        var all = Gather([local.HasValue ? 1 : 0, local ?? 0]);
        foreach (var v in all)
            if (v[0] != 0) return v[1];
        throw new InvalidOperationException("no rank holds any rows");
    }
}
