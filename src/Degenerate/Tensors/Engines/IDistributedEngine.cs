namespace Degenerate.Tensors.Engines;

/// <summary>
/// An engine's distributed runtime (libtorch's c10d): rendezvous stores and process groups. Only the native engine has
/// one; <see cref="ITensorEngine.Distributed"/> of another engine throws <see cref="NotSupportedException"/>.
/// </summary>
internal interface IDistributedEngine
{
    /// <summary>Whether the engine was built with a c10d backend (Gloo); when false every other member throws.</summary>
    bool Available { get; }

    /// <summary>A store in a file every rank can reach (one machine or a shared file system).</summary>
    ICollectiveStore OpenFileStore(string path, int worldSize);

    /// <summary>A TCP store: the server (hosting it) or a client of the one at host:port.</summary>
    ICollectiveStore OpenTcpStore(string host, int port, bool isServer, int worldSize, TimeSpan timeout, bool waitWorkers);

    /// <summary>A view of <paramref name="store"/> whose keys all start with <paramref name="prefix"/>.</summary>
    ICollectiveStore Prefix(ICollectiveStore store, string prefix);

    /// <summary>A Gloo process group over the store; interface name wins over host name; neither: Gloo's default.</summary>
    ICollectiveGroup OpenGloo(ICollectiveStore store, int rank, int worldSize, TimeSpan timeout, string? interfaceName,
        string? hostname);

    /// <summary>Null when the engine has c10d's NCCL backend; else why not and what is needed.</summary>
    string? NcclUnavailableReason { get; }

    /// <summary>An NCCL process group on cuda:<paramref name="deviceIndex"/> (one GPU per rank).</summary>
    ICollectiveGroup OpenNccl(ICollectiveStore store, int rank, int worldSize, TimeSpan timeout, int deviceIndex);
}
