using System.Collections;
using System.Globalization;

namespace Degenerate.Distributed;

/// <summary>
/// Where this process sits in a distributed job, read from the launcher's environment: <c>torchrun</c> and
/// <c>degenerate launch</c> (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT, TORCHELASTIC_*),
/// Open MPI's <c>mpirun</c> (OMPI_COMM_WORLD_RANK/SIZE/LOCAL_RANK/LOCAL_SIZE) or Slurm's <c>srun</c> (SLURM_PROCID,
/// SLURM_NTASKS, SLURM_LOCALID, SLURM_NTASKS_PER_NODE). mpirun and srun do not set MASTER_ADDR/MASTER_PORT: pass them
/// (e.g. <c>mpirun -x MASTER_ADDR=host</c>); on a single node they default to 127.0.0.1:29500.
/// </summary>
public sealed record DistributedEnvironment
{
    /// <summary>This process's rank, 0 ≤ Rank &lt; WorldSize.</summary>
    public required int Rank { get; init; }
    /// <summary>The number of processes.</summary>
    public required int WorldSize { get; init; }
    /// <summary>The rank among the processes of this machine (which GPU a CUDA rank uses).</summary>
    public int LocalRank { get; init; }
    /// <summary>The number of processes on this machine.</summary>
    public int LocalWorldSize { get; init; } = 1;
    /// <summary>The host of the rendezvous store (MASTER_ADDR).</summary>
    public string MasterAddr { get; init; } = "127.0.0.1";
    /// <summary>The port of the rendezvous store (MASTER_PORT).</summary>
    public int MasterPort { get; init; } = 29500;
    /// <summary>
    /// True under torchrun and <c>degenerate launch</c>, whose agent already hosts the TCP store
    /// (TORCHELASTIC_USE_AGENT_STORE=True): every rank then connects as a client, with the key prefix
    /// <c>/worker/attempt_&lt;restart count&gt;</c>.
    /// </summary>
    public bool UseAgentStore { get; init; }
    /// <summary>TORCHELASTIC_RESTART_COUNT (0 on the first attempt).</summary>
    public int RestartCount { get; init; }
    /// <summary>"torchrun" (or degenerate launch), "env" (RANK/WORLD_SIZE by hand), "mpirun" or "srun".</summary>
    public required string Launcher { get; init; }

    /// <summary>
    /// Reads the current process's environment (or <paramref name="environment"/>); null when no launcher's variables
    /// are present. Malformed values throw <see cref="ArgumentException"/> naming the variable.
    /// </summary>
    public static DistributedEnvironment? Detect(IReadOnlyDictionary<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        string? Get(string name) => environment.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        int Int(string name, int? fallback = null, int min = 0)
        {
            var text = Get(name);
            if (text is null)
                return fallback ?? throw new ArgumentException($"environment variable {name} is missing", nameof(environment));
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
                throw new ArgumentException($"environment variable {name}='{text}' is not an integer >= {min}", nameof(environment));
            return value;
        }

        DistributedEnvironment result;
        if (Get("RANK") is not null || Get("WORLD_SIZE") is not null)
        {
            var agent = string.Equals(Get("TORCHELASTIC_USE_AGENT_STORE"), "true", StringComparison.OrdinalIgnoreCase);
            result = new DistributedEnvironment
            {
                Rank = Int("RANK"), WorldSize = Int("WORLD_SIZE", min: 1), LocalRank = Int("LOCAL_RANK", 0),
                LocalWorldSize = Int("LOCAL_WORLD_SIZE", 1, 1), UseAgentStore = agent,
                RestartCount = Int("TORCHELASTIC_RESTART_COUNT", 0),
                MasterAddr = Get("MASTER_ADDR") ?? throw new ArgumentException("environment variable MASTER_ADDR is missing (RANK and WORLD_SIZE are set)", nameof(environment)),
                MasterPort = Int("MASTER_PORT", min: 1),
                Launcher = Get("TORCHELASTIC_RUN_ID") is not null || agent ? "torchrun" : "env",
            };
        }
        else if (Get("OMPI_COMM_WORLD_RANK") is not null)
        {
            result = new DistributedEnvironment
            {
                Rank = Int("OMPI_COMM_WORLD_RANK"), WorldSize = Int("OMPI_COMM_WORLD_SIZE", min: 1),
                LocalRank = Int("OMPI_COMM_WORLD_LOCAL_RANK", 0), LocalWorldSize = Int("OMPI_COMM_WORLD_LOCAL_SIZE", 1, 1),
                MasterAddr = Get("MASTER_ADDR") ?? "127.0.0.1", MasterPort = Int("MASTER_PORT", 29500, 1), Launcher = "mpirun",
            };
        }
        else if (Get("SLURM_PROCID") is not null && Get("SLURM_NTASKS") is not null)
        {
            result = new DistributedEnvironment
            {
                Rank = Int("SLURM_PROCID"), WorldSize = Int("SLURM_NTASKS", min: 1), LocalRank = Int("SLURM_LOCALID", 0),
                LocalWorldSize = LocalTasks(Get("SLURM_NTASKS_PER_NODE")),
                MasterAddr = Get("MASTER_ADDR") ?? "127.0.0.1", MasterPort = Int("MASTER_PORT", 29500, 1), Launcher = "srun",
            };
        }
        else return null;
        if (result.MasterPort > 65535)
            throw new ArgumentException($"MASTER_PORT={result.MasterPort} is not a TCP port (1..65535)", nameof(environment));
        if (result.Rank >= result.WorldSize)
            throw new ArgumentException(
                $"rank {result.Rank} (from {result.Launcher}'s environment) is not below the world size {result.WorldSize}", nameof(environment));
        return result;
    }

    // SLURM_NTASKS_PER_NODE is "2" or "2(x3)"; its first number is this layout's tasks per node.
    private static int LocalTasks(string? text)
    {
        if (text is null) return 1;
        var digits = new string(text.TakeWhile(char.IsDigit).ToArray());
        return int.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
    }
}
