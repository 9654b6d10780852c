using System.Text.Json;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Statistics;
using Degenerate.Tensors;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// GLM and discrete-model summaries against statsmodels 0.13.5's <c>summary().as_text()</c>
/// (tests/fixtures/glm/header_summaries.json, made by make_header_summary_fixtures.py), character for character:
/// <c>Glm.Fit</c> against <c>sm.GLM(...)</c>, <see cref="DiscreteModel"/> against <c>sm.Logit/Probit/Poisson/MNLogit</c>.
/// Masked: the Date and Time values (the moment of printing) and GLM's "No. Iterations" value, which counts
/// statsmodels' IRLS passes (it stops on the deviance's change, from its own start) where ours counts Newton steps.
/// </summary>
public class GlmHeaderSummaryTests
{
    private static IEnumerable<JsonElement> Cases()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "glm", "header_summaries.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    public static TheoryData<string> Names() => new(Cases().Select(c => c.GetProperty("name").GetString()!));

    private static double[]? Optional(JsonElement c, string key) =>
        c.TryGetProperty(key, out var v) ? v.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;

    internal static (JsonElement Case, GlmResult Fit) Load(string name)
    {
        var c = Cases().Single(e => e.GetProperty("name").GetString() == name);
        var rows = c.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var x = new double[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[i].Length; j++) x[i, j] = rows[i][j];
        var y = c.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var options = new GlmOptions
        {
            FeatureNames = c.GetProperty("feature_names").EnumerateArray().Select(v => v.GetString()!).ToArray(),
            ClassNames = c.TryGetProperty("class_names", out var cn) ? cn.EnumerateArray().Select(v => v.GetString()!).ToArray() : null,
            CovType = Enum.Parse<CovType>(c.GetProperty("cov_type").GetString()!, ignoreCase: true),
            Offset = Optional(c, "offset"),
            Exposure = Optional(c, "exposure"),
            Alpha = c.GetProperty("alpha").ValueKind == JsonValueKind.Number ? c.GetProperty("alpha").GetDouble() : 1.0,
        };
        var fit = c.GetProperty("kind").GetString() switch
        {
            "glm" => Glm.Fit(x, y, Enum.Parse<Family>(c.GetProperty("family").GetString()!, ignoreCase: true),
                c.GetProperty("link").GetString() is { } l ? Enum.Parse<Link>(l, ignoreCase: true) : null, options),
            "logit" => DiscreteModel.Logit(x, y, options),
            "probit" => DiscreteModel.Probit(x, y, options),
            "poisson" => DiscreteModel.Poisson(x, y, options),
            "mnlogit" => DiscreteModel.MNLogit(x, y, options),
            var k => throw new InvalidOperationException(k),
        };
        return (c, fit);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Summary_equals_statsmodels_character_for_character(string name)
    {
        var (c, fit) = Load(name);
        AssertSameText(name, c, fit);
    }

    [Fact]
    public void A_probit_network_read_by_FromModel_prints_statsmodels_GLM_summary()
    {
        // Dense(1, "probit") + binary cross-entropy is the probit GLM: its summary is sm.GLM(..., Binomial(probit))'s,
        // with "model" as the method.
        var (c, glm) = Load("spector_glm_probit");
        var x = new double[32, 3];
        var rows = c.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        for (var i = 0; i < 32; i++)
            for (var j = 0; j < 3; j++) x[i, j] = rows[i][j];
        var y = c.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        using var model = new Sequential(new Dense(1, "probit", inputDim: 3, kernelInitializer: new Degenerate.Initializers.Zeros())) { Device = Device.CPU };
        model.Compile(new Newton(), "binary_crossentropy");
        model.Fit(x, y, epochs: 50, verbose: 0);
        var r = Glm.FromModel(model, x, y, new GlmOptions { FeatureNames = ["GPA", "TUCE", "PSI"] });
        Assert.Equal("GLM", r.ModelName);
        var method = r.Summary("GRADE").Split('\n').Single(l => l.StartsWith("Method:", StringComparison.Ordinal));
        Assert.Equal("Method:" + "model".PadLeft(30), method[..37]);
        AssertSameText("probit network", c, r, "Method:");
    }

    private static void AssertSameText(string name, JsonElement c, GlmResult fit, string alsoMask = "Date:")
    {
        var expected = c.GetProperty("text").GetString()!.Split('\n');
        var actual = fit.Summary(c.GetProperty("dep").GetString()!).TrimEnd('\n').Split('\n');
        Assert.True(expected.Length == actual.Length,
            $"{name}: {expected.Length} lines expected, got {actual.Length}:\n{string.Join('\n', actual)}\nstatsmodels:\n{string.Join('\n', expected)}");
        for (var i = 0; i < expected.Length; i++)
        {
            var masked = expected[i].StartsWith("Date:", StringComparison.Ordinal) || expected[i].StartsWith("Time:", StringComparison.Ordinal)
                || expected[i].StartsWith("No. Iterations:", StringComparison.Ordinal) || expected[i].StartsWith(alsoMask, StringComparison.Ordinal);
            var (e, a) = masked ? (expected[i][37..], actual[i].Length >= 37 ? actual[i][37..] : actual[i]) : (expected[i], actual[i]);
            Assert.True(e == a, $"{name} line {i}:\nstatsmodels: '{expected[i]}'\nDegenerate:  '{actual[i]}'");
        }
    }

    [Fact]
    public void Glm_fit_prints_the_glm_header_and_the_discrete_entry_point_the_discrete_header()
    {
        var (_, glm) = Load("spector_glm_logit");
        var (_, logit) = Load("spector_logit");
        Assert.Equal("GLM", glm.ModelName);
        Assert.Equal("Logit", logit.ModelName);
        Assert.Contains("Pseudo R-squ. (CS):", glm.Summary());
        Assert.DoesNotContain("LL-Null:", glm.Summary());
        Assert.Contains("LL-Null:", logit.Summary());
        Assert.Contains("\"model\": \"Logit\"", logit.ToJson());
        // The same likelihood, maximized: the numbers agree, only the header differs.
        Close.All(glm.Params, logit.Params, 1e-12, 1e-12, "params");
        // A robust copy keeps the model.
        Assert.Equal("Logit", logit.GetRobustCovResults(CovType.HC0).ModelName);
    }

    [Fact]
    public void Multinomial_glm_fit_reads_as_mnlogit_and_gaussian_identity_as_ols()
    {
        var (c, mn) = Load("mnlogit");
        var x = new double[,] { { 1, 2 }, { 2, 1 }, { 3, 5 }, { 4, 3 }, { 5, 8 }, { 6, 4 } };
        Assert.Equal("MNLogit", mn.ModelName);
        Assert.Equal("OLS", Glm.Fit(x, [1, 3, 2, 5, 4, 6], Family.Gaussian).ModelName);
        Assert.Equal("MNLogit", Glm.Fit(x, [0, 1, 2, 0, 1, 2], Family.Multinomial).ModelName);
    }

    [Fact]
    public void Discrete_models_refuse_weights_as_statsmodels_has_none()
    {
        var x = new double[,] { { 1 }, { 2 }, { 3 }, { 4 } };
        var e = Assert.Throws<ArgumentException>(() => DiscreteModel.Logit(x, [0, 1, 0, 1], new GlmOptions { FreqWeights = [1, 2, 1, 2] }));
        Assert.Equal("options", e.ParamName);
        Assert.Contains("Logit", e.Message);
    }

    [Fact]
    public void Cox_snell_pseudo_r_squared_follows_its_definition()
    {
        var (_, fit) = Load("spector_glm_logit");
        Close.Equal(1 - Math.Exp(2 * (fit.LlNull - fit.Llf) / fit.Nobs), fit.CoxSnellRSquared, 1e-15, 0, "cs");
        Close.Equal(0.3821, fit.CoxSnellRSquared, 2e-4, 0, "printed by statsmodels");
    }
}
