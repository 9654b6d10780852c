using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace Degenerate.Tests.Distributed;

/// <summary>
/// <c>degenerate glm --distributed 'shard-{rank}.csv'</c> under <c>degenerate launch</c>: two ranks each read their own
/// shard; rank 0 alone prints, and its JSON equals the single-process <c>degenerate glm</c> of the concatenated CSV.
/// </summary>
public class DistributedGlmCliTests
{
    private static readonly string Cli = typeof(DistributedGlmCliTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Cli").Value!;

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }

    // Rows as functions of their index: three features, a 0/1 response and an exposure column.
    private static string Rows(int from, int to)
    {
        var sb = new StringBuilder();
        for (var i = from; i < to; i++)
        {
            double a = Math.Sin(0.37 * i), b = Math.Cos(0.21 * i + 1), c = Math.Sin(1.7 * i + 0.5);
            var y = (i * 7919 % 13) / 13.0 < 1 / (1 + Math.Exp(-(0.4 + a - 0.8 * b))) ? 1 : 0;
            var count = (int)Math.Floor(Math.Exp(0.3 + 0.5 * a) * (1 + (i % 4)));
            sb.Append(CultureInfo.InvariantCulture, $"{a:R},{b:R},{c:R},{y},{count},{1 + (i % 4)}\n");
        }
        return sb.ToString();
    }

    private static JsonNode Json(string output) => JsonNode.Parse(output[output.IndexOf('{')..(output.LastIndexOf('}') + 1)])!;

    [Theory]
    [InlineData("binomial", "y", "")]
    [InlineData("poisson", "count", "--exposure=e")]
    public void EachRankReadsItsShardAndRankZeroPrintsTheFitOfAllRows(string family, string target, string extra)
    {
        var dir = Directory.CreateTempSubdirectory("dglm-cli-").FullName;
        try
        {
            const string header = "a,b,c,y,count,e\n";
            File.WriteAllText(Path.Combine(dir, "shard-0.csv"), header + Rows(0, 17));
            File.WriteAllText(Path.Combine(dir, "shard-1.csv"), header + Rows(17, 50));
            File.WriteAllText(Path.Combine(dir, "all.csv"), header + Rows(0, 50));
            string[] model = ["--target", target, "--family", family, "--features", "a,b,c", "--json", .. extra.Length > 0 ? new[] { extra } : []];
            var single = Ranks.Run([new Dictionary<string, string?>()], [Cli, "glm", Path.Combine(dir, "all.csv"), .. model],
                program: "dotnet")[0];
            Assert.True(single.Exit == 0, single.Output);
            var launched = Ranks.Run([new Dictionary<string, string?>()],
                [Cli, "launch", "--nproc-per-node", "2", "--master-addr", "127.0.0.1", "--master-port", FreePort(), "--",
                 "dotnet", Cli, "glm", Path.Combine(dir, "shard-{rank}.csv"), "--distributed", .. model], limitSeconds: 180, program: "dotnet")[0];
            Assert.True(launched.Exit == 0, launched.Output);
            // Only rank 0 printed: one JSON document.
            Assert.Equal(1, launched.Output.Split('\n').Count(l => l.StartsWith('{')));
            JsonNode expected = Json(single.Output), actual = Json(launched.Output);
            expected.AsObject().Remove("warnings");
            actual.AsObject().Remove("warnings");
            foreach (var key in new[] { "params", "bse", "llf", "llnull", "deviance", "pearson_chi2", "aic", "bic", "nobs", "df_resid", "scale" })
            {
                var e = expected[key] is JsonArray ea ? ea.Select(v => v!.GetValue<double>()).ToArray() : [expected[key]!.GetValue<double>()];
                var a = actual[key] is JsonArray aa ? aa.Select(v => v!.GetValue<double>()).ToArray() : [actual[key]!.GetValue<double>()];
                Assert.Equal(e.Length, a.Length);
                for (var i = 0; i < e.Length; i++)
                    Assert.True(Math.Abs(e[i] - a[i]) <= 1e-12 * Math.Max(1, Math.Abs(e[i])), $"{key}[{i}]: {e[i]:R} vs {a[i]:R}");
            }
            Assert.Equal(50, actual["nobs"]!.GetValue<double>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
