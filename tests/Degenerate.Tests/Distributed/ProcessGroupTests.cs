using System.Net;
using System.Net.Sockets;
using Degenerate.Distributed;
using Degenerate.Tensors;

namespace Degenerate.Tests.Distributed;

/// <summary>
/// c10d process groups (Gloo) across 2 and 3 rank processes: collectives' values, and the failures a user meets
/// (a missing rank, a wrong world size, a port in use) as clear errors within the timeout, never a hang.
/// </summary>
public class ProcessGroupTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void CollectivesGiveEveryRankTheSameReducedValues(int world)
    {
        var results = Ranks.RunFileStore(world, ["collectives"]);
        Ranks.AssertOk(results);
        var ranks = Enumerable.Range(0, world).ToArray();
        foreach (var result in results)
        {
            // Sum over ranks of [r + 1, 10 r]; max of [r, −r]; rank w−1's value broadcast; r·7 gathered in rank order.
            Assert.Equal([ranks.Sum(r => r + 1.0), ranks.Sum(r => 10.0 * r)], result.Numbers("sum"));
            Assert.Equal([world - 1.0, 0.0], result.Numbers("max"));
            // Bucketed: float32 [i + r] (5), float64 [[r, r], [r, r]], float32 [1], in 12-byte buckets.
            double[] bucketed = [.. Enumerable.Range(0, 5).Select(i => ranks.Sum(r => (double)(i + r))),
                .. Enumerable.Repeat(ranks.Sum(r => (double)r), 4), world];
            Assert.Equal(bucketed, result.Numbers("bucketed"));
            Assert.Equal([100.0 + world - 1], result.Numbers("broadcast"));
            Assert.Equal(ranks.Select(r => 7.0 * r), result.Numbers("gather"));
            // Rank r holds r + 1 rows of value r: the rows of every rank, in rank order.
            Assert.Equal(ranks.SelectMany(r => Enumerable.Repeat((double)r, 2 * (r + 1))), result.Numbers("rows"));
        }
    }

    [Fact]
    public void AMissingRankIsATimeoutNamingTheRendezvous()
    {
        var store = Ranks.NewStore();
        var results = Ranks.Run([new Dictionary<string, string?>
        {
            ["DG_FILE_STORE"] = store, ["RANK"] = "0", ["WORLD_SIZE"] = "2", ["DG_TIMEOUT_S"] = "3",
        }], ["collectives"], limitSeconds: 60);
        File.Delete(store);
        Assert.Equal(1, results[0].Exit);
        Assert.Contains("rank 0 of 2: rendezvous through the file store", results[0].Output);
        Assert.True(results[0].Elapsed < TimeSpan.FromSeconds(45), results[0].Elapsed.ToString());
    }

    [Fact]
    public void ARankOutsideTheWorldIsRejectedByName()
    {
        var results = Ranks.Run([new Dictionary<string, string?>
        {
            ["DG_FILE_STORE"] = Ranks.NewStore(), ["RANK"] = "2", ["WORLD_SIZE"] = "2", ["DG_TIMEOUT_S"] = "3",
        }], ["collectives"]);
        Assert.Equal(1, results[0].Exit);
        Assert.Contains("Rank must be in 0..1 (WorldSize 2)", results[0].Output);
    }

    [Fact]
    public void RanksThatDisagreeOnTheWorldSizeFailWithinTheTimeout()
    {
        var results = Ranks.RunFileStore(2, ["collectives"], r => new Dictionary<string, string?> { ["WORLD_SIZE"] = r == 0 ? "2" : "3" },
            timeoutSeconds: 3);
        Assert.All(results, r => Assert.Equal(1, r.Exit));
        Assert.Contains(results, r => r.Output.Contains("rendezvous", StringComparison.Ordinal) || r.Output.Contains("failed", StringComparison.Ordinal));
    }

    [Fact]
    public void APortInUseIsNamedInTheError()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var results = Ranks.Run([new Dictionary<string, string?>
        {
            ["RANK"] = "0", ["WORLD_SIZE"] = "2", ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = port, ["DG_TIMEOUT_S"] = "3",
        }], ["collectives"], limitSeconds: 60);
        Assert.Equal(1, results[0].Exit);
        Assert.Contains($"TCP store 127.0.0.1:{port}", results[0].Output);
        Assert.Contains("in use", results[0].Output);
    }

    [Fact]
    public void OneRankInThisProcessOrAClearErrorOnTorchSharp()
    {
        var options = new ProcessGroupOptions { Rank = 0, WorldSize = 1, FileStorePath = Ranks.NewStore(), Timeout = TimeSpan.FromSeconds(10) };
        if (Engine.Name != "native")
        {
            var e = Assert.Throws<NotSupportedException>(() => ProcessGroup.Initialize(options));
            Assert.Contains("native engine", e.Message);
            return;
        }
        using (var group = ProcessGroup.Initialize(options))
        {
            using var t = Tensor.FromArray(new[] { 1.5, -2.0 }, [2]);
            group.AllReduce(t);
            Assert.Equal([1.5, -2.0], t.ToArray<double>());
            group.Dispose();
            Assert.Throws<ObjectDisposedException>(() => group.Barrier());
        }
        File.Delete(options.FileStorePath!);
    }

    [Fact]
    public void OptionsAreValidatedBeforeAnyRendezvous()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProcessGroup.Initialize(new ProcessGroupOptions { Rank = 0, WorldSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProcessGroup.Initialize(new ProcessGroupOptions { Rank = 0, WorldSize = 2, MasterPort = 70000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ProcessGroup.Initialize(new ProcessGroupOptions { Rank = 0, WorldSize = 2, Timeout = TimeSpan.Zero }));
    }
}
