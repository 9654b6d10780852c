using System.Net;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Distributed;

/// <summary>
/// A group of processes that compute together through libtorch's own distributed engine, c10d (the Gloo backend, as
/// <c>torch.distributed.init_process_group("gloo")</c>, or NCCL on CUDA builds; see
/// <see cref="ProcessGroupOptions.Backend"/>). Every rank must make the same collective calls in the same
/// order. Each collective blocks, and throws a <see cref="TorchException"/> naming the rank, the world size and the
/// collective when a peer fails or <see cref="Timeout"/> passes. Needs the native engine.
/// </summary>
public sealed class ProcessGroup : IDisposable
{
    private readonly ICollectiveStore _store;
    private readonly ICollectiveStore? _baseStore;
    private readonly ICollectiveGroup _group;
    private bool _disposed;

    private ProcessGroup(ProcessGroupOptions options, string backend, ICollectiveStore? baseStore, ICollectiveStore store,
        ICollectiveGroup group)
    {
        Options = options;
        Backend = backend;
        _baseStore = baseStore;
        _store = store;
        _group = group;
    }

    /// <summary>The options the group was made with.</summary>
    public ProcessGroupOptions Options { get; }
    /// <summary>This process's rank.</summary>
    public int Rank => Options.Rank;
    /// <summary>The number of processes.</summary>
    public int WorldSize => Options.WorldSize;
    /// <summary>The rank on this machine.</summary>
    public int LocalRank => Options.LocalRank;
    /// <summary>Rank 0: the one that prints, writes checkpoints and saves.</summary>
    public bool IsMain => Rank == 0;
    /// <summary>The backend in use: "gloo" or "nccl".</summary>
    public string Backend { get; }
    /// <summary>Where the backend keeps its buffers, and so where a model's weights cost no copy: cuda:LocalRank with
    /// NCCL, the CPU with Gloo.</summary>
    public Device Device => Backend == Nccl ? Device.Cuda(LocalRank) : Device.CPU;
    /// <summary>The limit on every collective.</summary>
    public TimeSpan Timeout => Options.Timeout;

    /// <summary>
    /// Meets the other ranks and opens the group: from <paramref name="options"/>, or from the launcher's environment
    /// (<see cref="ProcessGroupOptions.FromEnvironment"/>) when null. Blocks until every rank has arrived or the timeout.
    /// </summary>
    public static ProcessGroup Initialize(ProcessGroupOptions? options = null)
    {
        options ??= ProcessGroupOptions.FromEnvironment();
        Validate(options);
        var engine = Engine.Current.Distributed;
        if (!engine.Available)
            throw new NotSupportedException(
                "the native engine was built without c10d's Gloo backend (the Gloo headers were missing): install libgloo-dev and rebuild");
        var ncclMissing = engine.NcclUnavailableReason;
        var backend = ChooseBackend(options.Backend, ncclMissing, options.Backend is null ? Device.Default : Device.CPU,
            options.LocalRank, ncclMissing is null ? Device.CudaDeviceCount : 0);
        var where = options.FileStorePath is { } path ? $"file store {path}" : $"TCP store {options.MasterAddr}:{options.MasterPort}";
        ICollectiveStore? store = null, prefixed = null;
        try
        {
            store = options.FileStorePath is not null
                ? engine.OpenFileStore(options.FileStorePath, options.WorldSize)
                // Rank 0 hosts the store unless an agent does; the host waits for every rank, so a missing one is a timeout.
                : engine.OpenTcpStore(options.MasterAddr, options.MasterPort, isServer: !options.UseAgentStore && options.Rank == 0,
                    options.WorldSize, options.Timeout, waitWorkers: !options.UseAgentStore);
            if (options.StorePrefix is { } prefix) prefixed = engine.Prefix(store, prefix);
            ICollectiveGroup group;
            if (backend == Nccl)
                group = engine.OpenNccl(prefixed ?? store, options.Rank, options.WorldSize, options.Timeout, options.LocalRank);
            else
            {
                var (iface, host) = Transport(options);
                group = engine.OpenGloo(prefixed ?? store, options.Rank, options.WorldSize, options.Timeout, iface, host);
            }
            return prefixed is null
                ? new ProcessGroup(options, backend, null, store, group)
                : new ProcessGroup(options, backend, store, prefixed, group);
        }
        catch (Exception e) when (e is TorchException)
        {
            prefixed?.Dispose();
            store?.Dispose();
            throw new TorchException(
                $"rank {options.Rank} of {options.WorldSize}: rendezvous through the {where} failed within " +
                $"{options.Timeout.TotalSeconds:0.###} s: {e.Message}");
        }
    }

    private const string Gloo = "gloo", Nccl = "nccl";

    /// <summary>
    /// The backend for <paramref name="requested"/> (ProcessGroupOptions.Backend), as PyTorch picks it: null chooses NCCL
    /// when the default device is CUDA and the engine has NCCL, else Gloo; "nccl" on an engine without it, or on a rank
    /// without its GPU, is an error saying what is needed.
    /// </summary>
    internal static string ChooseBackend(string? requested, string? ncclUnavailable, Device defaultDevice, int localRank, int cudaDevices)
    {
        if (requested is null) return defaultDevice.Type == DeviceType.Cuda && ncclUnavailable is null ? Nccl : Gloo;
        var name = BackendName(requested);
        if (name == Gloo) return Gloo;
        if (ncclUnavailable is not null) throw new NotSupportedException($"ProcessGroupOptions.Backend is \"nccl\", but {ncclUnavailable}");
        if (localRank < 0 || localRank >= cudaDevices)
            throw new InvalidOperationException(
                $"ProcessGroupOptions.Backend is \"nccl\", which needs one GPU per rank: LocalRank {localRank} would use cuda:{localRank}, " +
                $"but this machine has {cudaDevices} GPU(s); start at most {cudaDevices} rank(s) per machine, or use \"gloo\"");
        return Nccl;
    }

    // "gloo"/"nccl" in any case (PyTorch's Backend names are case-insensitive); anything else names what is accepted.
    private static string BackendName(string requested)
    {
        var name = requested.Trim().ToLowerInvariant();
        return name is Gloo or Nccl ? name : throw new ArgumentException(
            $"ProcessGroupOptions.Backend is \"{requested}\"; expected \"gloo\", \"nccl\" or null (NCCL when the default device is CUDA, else Gloo)",
            nameof(ProcessGroupOptions.Backend));
    }

    private static void Validate(ProcessGroupOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Backend is { } b) _ = BackendName(b);
        if (o.WorldSize < 1) throw new ArgumentOutOfRangeException(nameof(o.WorldSize), o.WorldSize, "WorldSize must be >= 1");
        if (o.Rank < 0 || o.Rank >= o.WorldSize)
            throw new ArgumentOutOfRangeException(nameof(o.Rank), o.Rank, $"Rank must be in 0..{o.WorldSize - 1} (WorldSize {o.WorldSize})");
        if (o.MasterPort is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(o.MasterPort), o.MasterPort, "MasterPort must be a TCP port, 1..65535");
        if (string.IsNullOrWhiteSpace(o.MasterAddr)) throw new ArgumentException("MasterAddr is empty", nameof(o));
        if (o.Timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(o.Timeout), o.Timeout, "Timeout must be positive");
        if (o.FileStorePath is { Length: 0 }) throw new ArgumentException("FileStorePath is empty", nameof(o));
    }

    // Gloo's socket: a named interface; else loopback when the store is on this machine by a loopback address (or a
    // file); else Gloo's default (the address this machine's hostname resolves to).
    private static (string? Interface, string? Host) Transport(ProcessGroupOptions o)
    {
        var iface = o.InterfaceName ?? Environment.GetEnvironmentVariable("GLOO_SOCKET_IFNAME");
        if (!string.IsNullOrWhiteSpace(iface)) return (iface, null);
        if (o.FileStorePath is not null || o.MasterAddr == "localhost" ||
            (IPAddress.TryParse(o.MasterAddr, out var ip) && IPAddress.IsLoopback(ip)))
            return (null, "127.0.0.1");
        return (null, null);
    }

    private ICollectiveGroup Group
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _group;
        }
    }

    /// <summary>Reduces <paramref name="tensor"/> in place across ranks (every rank then holds the result).</summary>
    public void AllReduce(Tensor tensor, CollectiveOp op = CollectiveOp.Sum) => AllReduce([tensor], op);

    /// <summary>
    /// Reduces the tensors in place, flattened into buckets of at most <paramref name="bucketCapMB"/> MiB (one
    /// collective per bucket, as DDP's gradient buckets).
    /// </summary>
    public void AllReduce(IReadOnlyList<Tensor> tensors, CollectiveOp op = CollectiveOp.Sum, double bucketCapMB = 25)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (!(bucketCapMB > 0)) throw new ArgumentOutOfRangeException(nameof(bucketCapMB), bucketCapMB, "bucketCapMB must be positive");
        if (tensors.Count == 0) return;
        Group.AllReduce(tensors.Select(t => t.Handle).ToArray(), (int)op, (long)(bucketCapMB * 1024 * 1024), Timeout);
    }

    /// <summary>Reduces host values across ranks in place (through one float64 tensor).</summary>
    public void AllReduce(double[] values, CollectiveOp op = CollectiveOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var t = Tensor.FromArray(values, [values.Length], Device.CPU);
        AllReduce(t, op);
        t.ToArray<double>().CopyTo(values, 0);
    }

    /// <summary>Overwrites <paramref name="tensors"/> on every rank with rank <paramref name="root"/>'s.</summary>
    public void Broadcast(IReadOnlyList<Tensor> tensors, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (root < 0 || root >= WorldSize) throw new ArgumentOutOfRangeException(nameof(root), root, $"root must be in 0..{WorldSize - 1}");
        if (tensors.Count > 0) Group.Broadcast(tensors.Select(t => t.Handle).ToArray(), root, Timeout);
    }

    /// <summary>Overwrites <paramref name="tensor"/> on every rank with rank <paramref name="root"/>'s.</summary>
    public void Broadcast(Tensor tensor, int root = 0) => Broadcast([tensor], root);

    /// <summary>Every rank's <paramref name="tensor"/> (all of one shape), stacked: [WorldSize, ...shape].</summary>
    public Tensor AllGather(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new Tensor(Group.AllGather(tensor.Handle, Timeout));
    }

    /// <summary>
    /// Every rank's rows concatenated in rank order; ranks may hold different numbers of rows (the trailing shape and
    /// dtype must match).
    /// </summary>
    public Tensor AllGatherRows(Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Rank < 1) throw new ArgumentException($"AllGatherRows needs at least one dimension, got shape {Tensor.FormatShape(rows.Shape)}", nameof(rows));
        var counts = new double[WorldSize];
        counts[Rank] = rows.Shape[0];
        AllReduce(counts);
        var most = (long)counts.Max();
        using var scope = new DisposeScope();
        var padded = rows.Shape[0] == most ? rows
            : Tensor.Cat([rows, Tensor.Zeros([most - rows.Shape[0], .. rows.Shape[1..]], rows.DType, rows.Device)], 0);
        var all = AllGather(padded);
        var parts = Enumerable.Range(0, WorldSize).Select(r => all.Slice(0, r, r + 1).Squeeze(0).Slice(0, 0, (long)counts[r])).ToArray();
        var result = Tensor.Cat(parts, 0);
        scope.Detach(result);
        return result;
    }

    /// <summary>Waits until every rank has reached this call.</summary>
    public void Barrier() => Group.Barrier(Timeout);

    /// <summary>Closes the group and its store connection.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _group.Dispose();
        _store.Dispose();
        _baseStore?.Dispose();
    }
}
