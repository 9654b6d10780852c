using System.Text.Json.Nodes;
using Degenerate.Distributed;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Statistics;
using Degenerate.Tensors;
using Degenerate.Tests.Statistics;

namespace Degenerate.Tests.Distributed;

/// <summary>
/// The exact distributed GLM (GlmOptions.ProcessGroup): rank processes (tests/Degenerate.RankProbe "glm") fit their
/// own shards of a deterministic data set; every rank's whole result (GlmResult.ToJson: params, bse, covariances,
/// llf, llnull, deviance, Pearson χ², scale, AIC/BIC, df, R² and the OLS diagnostics, plus HC0–HC3 robust results)
/// must equal the single process's fit of all the rows ("glm-single", the ordinary Glm.Fit) within 1e-12.
/// </summary>
public class DistributedGlmTests
{
    private const double Tolerance = 1e-12;

    // Every number of the single-process JSON against the rank's (relative to max(1, |expected|), or to `scale` when
    // given); strings, booleans and nulls equal.
    private static void AssertSameJson(JsonNode? expected, JsonNode? actual, string path, double scale = 0)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{path}: expected null, got {actual?.ToJsonString()}");
                break;
            case JsonObject eo:
            {
                var ao = Assert.IsType<JsonObject>(actual);
                Assert.Equal(eo.Select(p => p.Key).Order(), ao.Select(p => p.Key).Order());
                foreach (var (key, value) in eo)
                {
                    // llr = 2(llf − llnull) is a difference: its rounding is relative to its operands, which on tens of
                    // thousands of rows exceeds 1e-12 of the difference itself (1.7e-13 of llnull gave 1.8e-12 of llr).
                    var operands = key == "llr" && eo["llf"] is JsonValue f && eo["llnull"] is JsonValue n
                        ? 2 * Math.Max(Math.Abs(f.GetValue<double>()), Math.Abs(n.GetValue<double>())) : 0;
                    AssertSameJson(value, ao[key], $"{path}.{key}", operands);
                }
                break;
            }
            case JsonArray ea:
            {
                var aa = Assert.IsType<JsonArray>(actual);
                Assert.True(ea.Count == aa.Count, $"{path}: {ea.Count} items expected, got {aa.Count}");
                for (var i = 0; i < ea.Count; i++) AssertSameJson(ea[i], aa[i], $"{path}[{i}]");
                break;
            }
            case JsonValue ev when ev.TryGetValue<double>(out var e):
            {
                Assert.True(actual is JsonValue av && av.TryGetValue<double>(out _), $"{path}: expected {e:R}, got {actual?.ToJsonString()}");
                var a = actual!.GetValue<double>();
                Assert.True(Math.Abs(a - e) <= Tolerance * Math.Max(Math.Max(1, Math.Abs(e)), scale), $"{path}: expected {e:R}, got {a:R} (diff {a - e:G3})");
                break;
            }
            default:
                Assert.True(expected.ToJsonString() == actual?.ToJsonString(), $"{path}: expected {expected.ToJsonString()}, got {actual?.ToJsonString()}");
                break;
        }
    }

    private static Dictionary<string, string> Lines(Ranks.Result r) => r.Output.Split('\n').Select(l => l.Trim())
        .Where(l => l.StartsWith("json", StringComparison.Ordinal) || l.StartsWith("predict ", StringComparison.Ordinal))
        .ToDictionary(l => l[..l.IndexOf(' ')], l => l[(l.IndexOf(' ') + 1)..]);

    private static void AssertDistributedEqualsSingle(string name, string sizes)
    {
        var single = Ranks.Run([new Dictionary<string, string?>()], ["glm-single", name, sizes])[0];
        Assert.True(single.Exit == 0, single.Output);
        var expected = Lines(single);
        Assert.Contains("json", expected.Keys);
        var ranks = Ranks.RunFileStore(sizes.Split(',').Length, ["glm", name, sizes]);
        Ranks.AssertOk(ranks);
        var predictions = new List<double>();
        for (var r = 0; r < ranks.Length; r++)
        {
            var actual = Lines(ranks[r]);
            foreach (var key in expected.Keys.Where(k => k.StartsWith("json", StringComparison.Ordinal)))
            {
                Assert.True(actual.ContainsKey(key), $"rank {r} printed no '{key}': {ranks[r].Output}");
                AssertSameJson(JsonNode.Parse(expected[key]), JsonNode.Parse(actual[key]), $"rank {r} {key}");
            }
            if (actual.TryGetValue("predict", out var p)) predictions.AddRange(p.Split(' ').Select(double.Parse));
        }
        // Each rank's predictions at its own rows, concatenated in rank order, are the single fit's at all rows.
        if (expected.TryGetValue("predict", out var all))
        {
            var want = all.Split(' ').Select(double.Parse).ToArray();
            Assert.Equal(want.Length, predictions.Count);
            for (var i = 0; i < want.Length; i++)
                Assert.True(Math.Abs(want[i] - predictions[i]) <= Tolerance * Math.Max(1, Math.Abs(want[i])), $"prediction {i}");
        }
    }

    [Theory]
    [InlineData("gaussian", "7,13,40")]
    [InlineData("gaussian-scaled", "25,35")]
    [InlineData("gaussian-const", "40,20")]
    [InlineData("logit", "7,13,40")]
    [InlineData("binomial-counts", "30,30")]
    [InlineData("probit", "13,47")]
    [InlineData("poisson", "7,13,40")]
    [InlineData("gamma", "40,20")]
    [InlineData("gamma-log", "7,13,40")]
    [InlineData("negbin", "20,40")]
    [InlineData("tweedie", "7,13,40")]
    [InlineData("multinomial", "7,13,40")]
    public void EveryRankGetsTheSingleProcessFit(string name, string sizes) => AssertDistributedEqualsSingle(name, sizes);

    [Theory]
    [InlineData("logit", "0,60")]
    [InlineData("gaussian", "30,0,30")]
    [InlineData("multinomial", "60,0")]
    public void ARankWithNoRowsTakesPart(string name, string sizes) => AssertDistributedEqualsSingle(name, sizes);

    // Unions above GlmWarmStart.MinRows: the single process and the ranks both start from the every-16th-row sample's
    // MLE; shard boundaries off the stride check that the ranks' samples make exactly the single process's (the JSON's
    // iteration count must match too).
    [Theory]
    [InlineData("logit", "20001,20007")]
    [InlineData("gamma", "13,20000,19990")]
    [InlineData("multinomial", "17000,0,16777")]
    public void ALargeUnionTakesTheSingleProcessWarmStart(string name, string sizes) => AssertDistributedEqualsSingle(name, sizes);

    [Fact]
    public void TheWarmStartSavesFullPassesAndEndsAtTheSameFit()
    {
        if (Engine.Name != "native") return;  // distributed needs the native engine (the TorchSharp refusal is tested below)
        var n = (int)GlmWarmStart.MinRows + 9;
        var rng = new System.Random(11);
        var x = new double[n, 3];
        var y = new double[n];
        var freq = new double[n];
        for (var i = 0; i < n; i++)
        {
            var eta = 0.3;
            for (var j = 0; j < 3; j++)
            {
                x[i, j] = rng.NextDouble() * 2 - 1;
                eta += (j - 1) * 0.9 * x[i, j];
            }
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
            freq[i] = 1 + i % 3;
        }
        var options = new ProcessGroupOptions { Rank = 0, WorldSize = 1, FileStorePath = Ranks.NewStore(), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var group = ProcessGroup.Initialize(options);
            GlmResult Fit(bool warm, ProcessGroup? g)
            {
                GlmWarmStart.Disabled = !warm;
                try
                {
                    return Glm.Fit(x, y, Family.Binomial, options: new GlmOptions { ProcessGroup = g, FreqWeights = freq });
                }
                finally
                {
                    GlmWarmStart.Disabled = false;
                }
            }
            var cold = Fit(false, group);
            var warm = Fit(true, group);
            Assert.True(cold.Converged && warm.Converged);
            Assert.True(warm.Iterations < cold.Iterations, $"warm {warm.Iterations} vs cold {cold.Iterations} full-data iterations");
            Close.All(cold.Params.ToArray(), warm.Params, 1e-10, 1e-12, "params");
            AssertSameJson(JsonNode.Parse(Fit(true, null).ToJson()), JsonNode.Parse(warm.ToJson()), "warm");
            AssertSameJson(JsonNode.Parse(Fit(false, null).ToJson()), JsonNode.Parse(cold.ToJson()), "cold");
        }
        finally
        {
            File.Delete(options.FileStorePath!);
        }
    }

    [Fact]
    public void MismatchedColumnsAreAClearErrorOnEveryRank()
    {
        // Rank 1 has 4 columns, rank 0 has 3.
        var store = Ranks.NewStore();
        try
        {
            var envs = Enumerable.Range(0, 2).Select(r => (IDictionary<string, string?>)new Dictionary<string, string?>
            {
                ["DG_FILE_STORE"] = store, ["RANK"] = r.ToString(), ["WORLD_SIZE"] = "2", ["DG_TIMEOUT_S"] = "30",
                ["DG_GLM_COLUMNS"] = r == 0 ? "3" : "4",
            }).ToArray();
            var results = Ranks.Run(envs, ["glm", "logit", "20,20"]);
            for (var r = 0; r < 2; r++)
            {
                Assert.Equal(1, results[r].Exit);
                Assert.Contains("ArgumentException", results[r].Output);
                Assert.Contains("x's number of columns (from 3 to 4", results[r].Output);
            }
        }
        finally
        {
            File.Delete(store);
        }
    }

    [Fact]
    public void OneRankInThisProcessEqualsThePlainFitOrAClearErrorOnTorchSharp()
    {
        var x = new double[30, 2];
        var y = new double[30];
        for (var i = 0; i < 30; i++)
        {
            x[i, 0] = Math.Sin(i);
            x[i, 1] = Math.Cos(0.3 * i);
            y[i] = (i * 7 % 5) < 2 ? 1 : 0;
        }
        var options = new ProcessGroupOptions { Rank = 0, WorldSize = 1, FileStorePath = Ranks.NewStore(), Timeout = TimeSpan.FromSeconds(10) };
        if (Engine.Name != "native")
        {
            // TorchSharp has no torch.distributed: no group, so no distributed fit.
            var e = Assert.Throws<NotSupportedException>(() =>
                Glm.Fit(x, y, Family.Binomial, options: new GlmOptions { ProcessGroup = ProcessGroup.Initialize(options) }));
            Assert.Contains("native engine", e.Message);
            return;
        }
        try
        {
            using var group = ProcessGroup.Initialize(options);
            var plain = Glm.Fit(x, y, Family.Binomial);
            var distributed = Glm.Fit(x, y, Family.Binomial, options: new GlmOptions { ProcessGroup = group });
            AssertSameJson(JsonNode.Parse(plain.ToJson()), JsonNode.Parse(distributed.ToJson()), "fit");
            Assert.Throws<NotSupportedException>(() => Glm.Fit(x, y, Family.Binomial, options: new GlmOptions { ProcessGroup = group, Solver = Solver.LBFGS }));
            var cluster = Assert.Throws<NotSupportedException>(() => distributed.GetRobustCovResults(CovType.Cluster, Enumerable.Range(0, 30).Select(i => i % 3).ToArray()));
            Assert.Contains("distributed", cluster.Message);
            // Reading a network's statistics is per process: a group there is refused, not ignored.
            using var model = new Sequential(new Dense(1, "sigmoid", inputDim: 2));
            model.Compile(new SGD(0.1), "binary_crossentropy");
            var fromModel = Assert.Throws<NotSupportedException>(() => Glm.FromModel(model, x, y, new GlmOptions { ProcessGroup = group }));
            Assert.Contains("ProcessGroup", fromModel.Message);
        }
        finally
        {
            File.Delete(options.FileStorePath!);
        }
    }
}
