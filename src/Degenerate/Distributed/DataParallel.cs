using Degenerate.Tensors;

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
/// (gathered after each batch when the batch logs may be read, else at the end of the epoch), so every rank's History,
/// batch logs and callbacks see the same numbers. Only rank 0 prints and saves. Evaluate and Predict split the rows and
/// gather. With the NCCL backend the model must be on <see cref="ProcessGroup.Device"/> (the rank's GPU).
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

    /// <summary>
    /// Why a model on <paramref name="model"/> cannot train on rank <paramref name="rank"/> of a group with this backend
    /// and device, or null: with NCCL each rank trains on its own GPU (cuda:LocalRank), as DDP's device_ids demand;
    /// elsewhere the collectives would copy every bucket between GPUs and ranks would share a GPU. Gloo takes a model
    /// anywhere (through host copies).
    /// </summary>
    internal static string? DeviceProblem(string backend, Device groupDevice, Device model, int rank) =>
        backend == "nccl" && model != groupDevice
            ? $"rank {rank}: its NCCL group runs on {groupDevice} but the model is on {model}: set the model's Device to " +
              "group.Device, or DEGENERATE_DEVICE=cuda:<local rank> for each rank"
            : null;

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
