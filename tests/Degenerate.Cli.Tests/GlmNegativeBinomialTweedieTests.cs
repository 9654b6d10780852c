using System.Text.Json;

namespace Degenerate.Cli.Tests;

/// <summary>
/// <c>degenerate glm</c> with <c>--family negativebinomial --alpha ml</c> (NB2) and <c>--family tweedie --var-power P</c>
/// against statsmodels 0.13.5 (fixtures/negbin.csv and negbin.json, made by fixtures/make_negbin_fixtures.py).
/// </summary>
public class GlmNegativeBinomialTweedieTests
{
    private static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static JsonElement Expected(string name) =>
        JsonDocument.Parse(File.ReadAllText(Cli.Fixture("negbin.json"))).RootElement.GetProperty(name).Clone();

    private static (JsonElement Json, string Stderr) Run(params string[] args)
    {
        var run = Cli.Run(["glm", Cli.Fixture("negbin.csv"), "--features", "x1,x2", .. args]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return (JsonDocument.Parse(run.Stdout).RootElement.Clone(), run.Stderr);
    }

    private static void Close(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected) + 1e-12, $"{what}: expected {expected:R}, got {actual:R}");

    private static void Close(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Close(expected[i], actual[i], relative, $"{what}[{i}]");
    }

    [Fact]
    public void Alpha_ml_fits_nb2_with_exposure()
    {
        var e = Expected("nb2_exposure");
        var (r, _) = Run("--target", "y", "--family", "negativebinomial", "--alpha", "ml", "--exposure", "t", "--json");
        Assert.Equal(["const", "x1", "x2", "alpha"], r.GetProperty("param_names").EnumerateArray().Select(v => v.GetString()!).ToArray());
        Close(Numbers(e.GetProperty("params")), Numbers(r.GetProperty("params")), 1e-6, "params");
        Close(Numbers(e.GetProperty("bse")), Numbers(r.GetProperty("bse")), 1e-5, "bse");
        Close(e.GetProperty("params")[3].GetDouble(), r.GetProperty("alpha").GetDouble(), 1e-6, "alpha");
        foreach (var key in new[] { "llf", "llnull", "aic", "bic" })
            Close(e.GetProperty(key).GetDouble(), r.GetProperty(key).GetDouble(), 1e-8, key);
        Close(e.GetProperty("df_resid").GetDouble(), r.GetProperty("df_resid").GetDouble(), 0, "df_resid");
    }

    [Fact]
    public void Alpha_ml_prints_the_discrete_model_summary()
    {
        var run = Cli.Run(["glm", Cli.Fixture("negbin.csv"), "--features", "x1,x2", "--target", "y", "--family", "negbin", "--alpha", "ml", "--exposure", "t"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("NegativeBinomial Regression Results", run.Stdout);
        Assert.Contains("LL-Null:", run.Stdout);
        Assert.Matches(@"\nalpha\s+0\.41", run.Stdout);
    }

    [Fact]
    public void Tweedie_with_a_variance_power()
    {
        var e = Expected("tweedie_log");
        var (r, _) = Run("--target", "amount", "--family", "tweedie", "--var-power", "1.5", "--json");
        Close(Numbers(e.GetProperty("params")), Numbers(r.GetProperty("params")), 1e-6, "params");
        Close(Numbers(e.GetProperty("bse")), Numbers(r.GetProperty("bse")), 1e-5, "bse");
        foreach (var key in new[] { "scale", "deviance", "pearson_chi2", "df_resid" })
            Close(e.GetProperty(key).GetDouble(), r.GetProperty(key).GetDouble(), 1e-7, key);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("llf").ValueKind);  // statsmodels: nan
        Assert.Equal(1.5, r.GetProperty("var_power").GetDouble());
    }

    [Theory]
    [InlineData("--target", "y", "--family", "negativebinomial", "--alpha", "mle")]
    [InlineData("--target", "y", "--family", "negativebinomial", "--alpha", "ml", "--link", "identity")]
    [InlineData("--target", "y", "--family", "negativebinomial", "--alpha", "ml", "--freq-weights", "t")]
    [InlineData("--target", "y", "--family", "poisson", "--var-power", "1.5")]
    [InlineData("--target", "amount", "--family", "tweedie", "--var-power", "0.5")]
    [InlineData("--target", "x1", "--family", "tweedie", "--var-power", "1.5")]
    public void Bad_requests_are_one_line_errors(params string[] args)
    {
        var run = Cli.Run(["glm", Cli.Fixture("negbin.csv"), "--features", "x2", .. args]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(run.Stderr));
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }
}
