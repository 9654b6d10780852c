using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Degenerate.Tests.Distributed;

/// <summary>
/// <c>degenerate launch</c> on loopback (127.0.0.1 only): it hosts the store, gives each rank torchrun's environment
/// (the ranks connect as clients of the agent's store), and when one rank fails it stops the others and exits with that
/// rank's code and output.
/// </summary>
public class LaunchTests
{
    private static readonly string Cli = typeof(LaunchTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Cli").Value!;

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Ranks.Result Launch(string mode) =>
        Ranks.Run([new Dictionary<string, string?> { ["DG_TIMEOUT_S"] = "60" }],
            [Cli, "launch", "--nproc-per-node", "2", "--master-addr", "127.0.0.1", "--master-port", FreePort(), "--", "dotnet", Ranks.Probe, mode],
            limitSeconds: 120, program: "dotnet")[0];

    [Fact]
    public void TwoRanksMeetThroughTheLaunchersStore()
    {
        var result = Launch("collectives");
        Assert.True(result.Exit == 0, result.Output);
        Assert.Contains("ok rank 0 of 2", result.Output);
        Assert.Contains("ok rank 1 of 2", result.Output);
        Assert.Contains("sum 3 10", result.Output);
    }

    [Fact]
    public void AFailingRankStopsTheOthersAndItsErrorIsReported()
    {
        // Rank 1 throws; rank 0 would wait in a barrier for 60 s, but the launcher stops it at once.
        var result = Launch("fail");
        Assert.True(result.Exit == 1, result.Output);
        // Rank 0's barrier may fail on its own (its peer closed the connection) or be stopped; rank 1 is reported either way.
        Assert.Contains("error: rank 1 (local rank 1) exited with code 1;", result.Output);
        Assert.Contains("[rank 1] error InvalidOperationException: rank 1 gave up on purpose", result.Output);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(50), result.Elapsed.ToString());
    }
}
