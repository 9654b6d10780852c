namespace Degenerate.Distributed;

/// <summary>
/// Data parallelism, as Keras 3's <c>keras.distribution.DataParallel</c> with PyTorch DDP's semantics: every rank
/// holds the whole model and the same data; set it as <see cref="Models.Model.Distribution"/> and call
/// <c>Fit(x, y, …)</c> on arrays on every rank with the same arguments. Rank 0's weights are broadcast when Fit
/// starts; each epoch's rows are permuted with <c>Seed + epoch</c> (the same order on every rank, as DistributedSampler);
/// <c>batchSize</c> is the global batch, whose rows are dealt out round-robin (a rank takes positions
/// <c>rank, rank + world, …</c> of each batch, with no padding: a rank may hold one row fewer); gradients are summed
/// across ranks in buckets with each rank's loss weighted by its share of the batch's rows, so a step equals the
/// single-process step on the whole batch; the loss is summed as (sum, count) and the metrics see every rank's rows
/// (gathered at the end of the epoch), so every rank's History and callbacks see the same numbers. Only rank 0 prints and saves. Evaluate and Predict split the rows and gather.
/// </summary>
public sealed class DataParallel
{
    /// <summary>Data parallelism over <paramref name="group"/>.</summary>
    /// <param name="group">The process group (every rank's).</param>
    /// <param name="seed">The shuffling seed; epoch e's order comes from <c>seed + e</c> (DistributedSampler's rule).</param>
    /// <param name="bucketCapMB">Gradients are all-reduced in buckets of at most this many MiB (DDP's default 25).</param>
    public DataParallel(ProcessGroup group, int seed = 0, double bucketCapMB = 25)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!(bucketCapMB > 0) || double.IsInfinity(bucketCapMB))
            throw new ArgumentOutOfRangeException(nameof(bucketCapMB), bucketCapMB, "bucketCapMB must be a positive number");
        Group = group;
        Seed = seed;
        BucketCapMB = bucketCapMB;
    }

    /// <summary>The process group.</summary>
    public ProcessGroup Group { get; }

    /// <summary>The shuffling seed.</summary>
    public int Seed { get; }

    /// <summary>The gradient bucket size in MiB.</summary>
    public double BucketCapMB { get; }

    /// <summary>Whether this rank prints and saves (rank 0).</summary>
    public bool IsMain => Group.IsMain;

    /// <summary>The order of <paramref name="rows"/> rows in epoch <paramref name="epoch"/>: the same on every rank.</summary>
    public long[] EpochPermutation(long rows, int epoch)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows must be >= 0");
        var order = new long[rows];
        for (long i = 0; i < rows; i++) order[i] = i;
        var random = new System.Random(unchecked(Seed + epoch));
        for (var i = rows - 1; i > 0; i--)
        {
            var j = random.NextInt64(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>This rank's positions in a batch of <paramref name="batchRows"/> rows: rank, rank + world, ….</summary>
    internal IEnumerable<long> Share(long batchRows)
    {
        for (long p = Group.Rank; p < batchRows; p += Group.WorldSize) yield return p;
    }

    /// <summary>This rank's contiguous block of <paramref name="rows"/> rows (Evaluate, Predict): [start, end).</summary>
    internal (long Start, long End) Block(long rows)
    {
        long w = Group.WorldSize, r = Group.Rank;
        return (rows * r / w, rows * (r + 1) / w);
    }
}
