namespace Degenerate.Tensors.Engines;

/// <summary>
/// A c10d process group's collectives. Every call blocks until done, fails after the timeout, and throws a
/// <see cref="TorchException"/> whose message names the rank, the world size and the collective.
/// </summary>
internal interface ICollectiveGroup : IDisposable
{
    /// <summary>Reduces the tensors in place across ranks, flattened into buckets of at most bucketBytes.</summary>
    void AllReduce(IReadOnlyList<EngineTensor> tensors, int op, long bucketBytes, TimeSpan timeout);

    /// <summary>Overwrites the tensors with root's.</summary>
    void Broadcast(IReadOnlyList<EngineTensor> tensors, int root, TimeSpan timeout);

    /// <summary>[worldSize, ...shape]: every rank's tensor (all of one shape), rank r's at index r.</summary>
    EngineTensor AllGather(EngineTensor tensor, TimeSpan timeout);

    void Barrier(TimeSpan timeout);
}
