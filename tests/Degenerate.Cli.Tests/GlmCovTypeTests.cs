using System.Text.Json;

namespace Degenerate.Cli.Tests;

/// <summary>
/// <c>degenerate glm --cov-type ... [--groups COL]</c> against statsmodels 0.13.5's GLM.fit(cov_type=...)
/// (fixtures/cov.csv and cov.json, made by fixtures/make_cov_fixtures.py).
/// </summary>
public class GlmCovTypeTests
{
    private static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static JsonElement Expected() =>
        JsonDocument.Parse(File.ReadAllText(Cli.Fixture("cov.json"))).RootElement.Clone();

    private static JsonElement Run(params string[] extra)
    {
        var run = Cli.Run(["glm", Cli.Fixture("cov.csv"), "--target", "y", "--family", "poisson", "--json", .. extra]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }

    private static void Close(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= relative * Math.Abs(expected[i]), $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void Cluster_by_a_text_column_equals_statsmodels_and_the_column_is_not_a_feature()
    {
        var r = Run("--cov-type", "cluster", "--groups", "site", "--tolerance", "1e-12");
        Assert.Equal(["const", "x1", "x2"], r.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("cluster", r.GetProperty("cov_type").GetString());
        Assert.Equal(12, r.GetProperty("n_groups").GetInt32());
        Close(Numbers(Expected().GetProperty("params")), Numbers(r.GetProperty("params")), 1e-8, "params");
        Close(Numbers(Expected().GetProperty("bse_cluster")), Numbers(r.GetProperty("bse")), 1e-6, "bse cluster");
    }

    [Fact]
    public void Hc1_on_a_poisson_fit_equals_statsmodels()
    {
        var r = Run("--cov-type", "HC1", "--features", "x1,x2", "--tolerance", "1e-12");
        Assert.Equal("HC1", r.GetProperty("cov_type").GetString());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("omni").ValueKind);
        Close(Numbers(Expected().GetProperty("bse_HC1")), Numbers(r.GetProperty("bse")), 1e-6, "bse HC1");
    }

    [Theory]
    [InlineData("--cov-type", "cluster")]
    [InlineData("--cov-type", "HC5")]
    [InlineData("--groups", "site")]
    [InlineData("--cov-type", "cluster", "--groups", "nosuch")]
    public void Bad_cov_type_requests_are_usage_errors(params string[] extra)
    {
        var run = Cli.Run(["glm", Cli.Fixture("cov.csv"), "--target", "y", "--family", "poisson", "--features", "x1,x2", .. extra]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(extra.Contains("nosuch") || extra.Contains("site") && !extra.Contains("cluster") ? "--groups" : "--cov-type", run.Stderr);
    }
}
