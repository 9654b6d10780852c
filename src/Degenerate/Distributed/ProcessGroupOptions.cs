namespace Degenerate.Distributed;

/// <summary>
/// How <see cref="ProcessGroup.Initialize"/> meets the other ranks: a file store (<see cref="FileStorePath"/>, one
/// machine or a shared file system; no port) or a TCP store at <see cref="MasterAddr"/>:<see cref="MasterPort"/>
/// hosted by rank 0 (or, with <see cref="UseAgentStore"/>, by torchrun's or <c>degenerate launch</c>'s agent).
/// </summary>
public sealed record ProcessGroupOptions
{
    /// <summary>This process's rank.</summary>
    public required int Rank { get; init; }
    /// <summary>The number of processes.</summary>
    public required int WorldSize { get; init; }
    /// <summary>
    /// The c10d backend, as <c>init_process_group(backend=…)</c>: <c>"gloo"</c> (CPU, any build), <c>"nccl"</c> (one
    /// GPU per rank, cuda:<see cref="LocalRank"/>; needs the native engine built against a CUDA libtorch with NCCL), or
    /// null: NCCL when the default device (<see cref="Tensors.Device.Default"/>) is CUDA and the engine has NCCL, else
    /// Gloo. Either backend takes tensors on any device (others travel through a copy on the backend's device).
    /// </summary>
    public string? Backend { get; init; }
    /// <summary>The rank on this machine (with NCCL, the rank's GPU).</summary>
    public int LocalRank { get; init; }
    /// <summary>The TCP store's host; loopback addresses also make Gloo use loopback.</summary>
    public string MasterAddr { get; init; } = "127.0.0.1";
    /// <summary>The TCP store's port.</summary>
    public int MasterPort { get; init; } = 29500;
    /// <summary>A file every rank can reach, used as the store instead of TCP (the file must not exist yet, or be
    /// left over from no other job).</summary>
    public string? FileStorePath { get; init; }
    /// <summary>Connect to an agent's store (torchrun, degenerate launch) instead of hosting one on rank 0.</summary>
    public bool UseAgentStore { get; init; }
    /// <summary>Key prefix in the store (torchrun's is /worker/attempt_&lt;restart&gt;); null for none.</summary>
    public string? StorePrefix { get; init; }
    /// <summary>The network interface Gloo uses (GLOO_SOCKET_IFNAME when null); null: see <see cref="MasterAddr"/>.</summary>
    public string? InterfaceName { get; init; }
    /// <summary>
    /// The limit on rendezvous and on every collective; past it the call throws, naming the rank and what failed.
    /// PyTorch's default, 30 minutes.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Options from the launcher's environment (<see cref="DistributedEnvironment.Detect"/>).</summary>
    /// <exception cref="InvalidOperationException">No launcher's variables are set.</exception>
    public static ProcessGroupOptions FromEnvironment(IReadOnlyDictionary<string, string?>? environment = null)
    {
        var env = DistributedEnvironment.Detect(environment) ?? throw new InvalidOperationException(
            "no distributed environment found: start the ranks with 'degenerate launch', torchrun, mpirun or srun, or set " +
            "RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT (or pass ProcessGroupOptions)");
        return new ProcessGroupOptions
        {
            Rank = env.Rank, WorldSize = env.WorldSize, LocalRank = env.LocalRank, MasterAddr = env.MasterAddr,
            MasterPort = env.MasterPort, UseAgentStore = env.UseAgentStore,
            StorePrefix = env.UseAgentStore ? $"/worker/attempt_{env.RestartCount}" : null,
        };
    }
}
