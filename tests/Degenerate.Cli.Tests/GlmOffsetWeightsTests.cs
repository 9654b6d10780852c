using System.Text.Json;

namespace Degenerate.Cli.Tests;

/// <summary>
/// <c>degenerate glm</c> with --offset, --exposure, --freq-weights, --var-weights and --target S,F against statsmodels
/// 0.13.5's GLM (fixtures/counts.csv and counts.json, made by fixtures/make_extended_fixtures.py).
/// </summary>
public class GlmOffsetWeightsTests
{
    private static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static JsonElement Expected(string name) =>
        JsonDocument.Parse(File.ReadAllText(Cli.Fixture("counts.json"))).RootElement.GetProperty(name).Clone();

    private static JsonElement Run(params string[] args)
    {
        var run = Cli.Run(["glm", Cli.Fixture("counts.csv"), "--json", "--tolerance", "1e-12", .. args]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }

    private static void Close(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= relative * Math.Abs(expected[i]) + 1e-12, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    private static void Matches(string name, JsonElement r)
    {
        var e = Expected(name);
        Assert.Equal(["const", "x1", "x2"], r.GetProperty("param_names").EnumerateArray().Select(v => v.GetString()!).ToArray());
        Close(Numbers(e.GetProperty("params")), Numbers(r.GetProperty("params")), 1e-6, $"{name} params");
        Close(Numbers(e.GetProperty("bse")), Numbers(r.GetProperty("bse")), 1e-5, $"{name} bse");
        Close([e.GetProperty("llf").GetDouble()], [r.GetProperty("llf").GetDouble()], 1e-8, $"{name} llf");
        Close([e.GetProperty("df_resid").GetDouble()], [r.GetProperty("df_resid").GetDouble()], 1e-12, $"{name} df_resid");
    }

    [Fact]
    public void Exposure_and_frequency_weights_columns() =>
        Matches("poisson_exposure_freq", Run("--target", "y", "--family", "poisson", "--features", "x1,x2", "--exposure", "t", "--freq-weights", "fw"));

    [Fact]
    public void Offset_and_variance_weights_columns_are_not_features() =>
        Matches("poisson_offset_var", Run("--target", "y", "--family", "poisson", "--offset", "off", "--var-weights", "vw",
            "--features", "x1,x2"));

    [Fact]
    public void A_two_column_successes_failures_target_with_an_offset() =>
        Matches("binomial_counts_offset", Run("--target", "s,f", "--family", "binomial", "--features", "x1,x2", "--offset", "off"));

    [Fact]
    public void The_probit_link_on_a_two_column_target() =>
        Matches("binomial_probit_counts", Run("--target", "s,f", "--family", "binomial", "--link", "probit", "--features", "x1,x2"));

    [Fact]
    public void The_negative_binomial_family_with_a_given_alpha() =>
        Matches("negbin_exposure", Run("--target", "y", "--family", "negativebinomial", "--alpha", "0.7", "--features", "x1,x2",
            "--exposure", "t"));

    [Theory]
    [InlineData("--target", "y", "--family", "poisson", "--alpha", "0.5")]
    [InlineData("--target", "y", "--family", "negativebinomial", "--alpha", "-1")]
    [InlineData("--target", "s,f", "--family", "poisson")]
    [InlineData("--target", "s,f,y", "--family", "binomial")]
    [InlineData("--target", "y", "--family", "poisson", "--exposure", "nosuch")]
    [InlineData("--target", "y", "--family", "poisson", "--exposure", "off")]
    [InlineData("--target", "y", "--family", "poisson", "--link", "probit")]
    public void Bad_requests_are_one_line_errors(params string[] args)
    {
        var run = Cli.Run(["glm", Cli.Fixture("counts.csv"), "--features", "x1,x2", .. args]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(run.Stderr));
    }

    [Fact]
    public void A_csv_with_its_own_constant_column_fits_with_that_column_as_the_intercept()
    {
        using var csv = new TempCsv("x1,one,y\n0.1,1,1.2\n0.5,1,1.9\n0.9,1,2.2\n1.4,1,3.1\n2.0,1,3.9\n");
        var run = Cli.Run("glm", csv.Path, "--target", "y", "--family", "gaussian", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var r = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal(["x1", "one"], r.GetProperty("param_names").EnumerateArray().Select(v => v.GetString()!).ToArray());
        Assert.Equal(1, r.GetProperty("df_model").GetDouble());
    }
}
