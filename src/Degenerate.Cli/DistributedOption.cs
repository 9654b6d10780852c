using System.CommandLine;
using System.Globalization;
using Degenerate.Distributed;
using Degenerate.Tensors;

namespace Degenerate.Cli;

/// <summary>
/// glm's <c>--distributed</c>: under <c>degenerate launch</c>, torchrun, mpirun or srun, every rank joins the process
/// group from the launcher's environment and fits its own shard (DATA with <c>{rank}</c> replaced by the rank, e.g.
/// <c>shard-{rank}.csv</c>) with <c>GlmOptions.ProcessGroup</c>; the fit is the one of all the shards' rows in rank
/// order, and only rank 0 prints it.
/// </summary>
internal sealed class DistributedOption
{
    public Option<bool> Option { get; } = new("--distributed")
    {
        Description = "fit one CSV shard per rank (started by 'degenerate launch', torchrun, mpirun or srun): DATA's '{rank}' " +
                      "becomes this rank's number; every rank gets the fit of all shards' rows, only rank 0 prints it (native engine)",
    };

    /// <summary>The process group from the launcher's environment (the native engine), or null without --distributed.</summary>
    public ProcessGroup? Join(ParseResult parse)
    {
        if (!parse.GetValue(Option)) return null;
        Engine.Use("native");  // c10d lives in the native engine only
        try
        {
            return ProcessGroup.Initialize(ProcessGroupOptions.FromEnvironment());
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException($"--distributed: {e.Message}");
        }
    }

    /// <summary>DATA for this rank: '{rank}' replaced by the rank (a path without it is read by every rank).</summary>
    public static string ShardPath(string data, ProcessGroup? group) =>
        group is null ? data : data.Replace("{rank}", group.Rank.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
