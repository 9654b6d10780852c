using System.Text.Json;

namespace Degenerate.Cli.Tests;

/// <summary>
/// <c>degenerate glm</c> against statsmodels 0.13.5: the same CSV files fitted by statsmodels
/// (fixtures/make_fixtures.py) give the expected coefficients, standard errors, p-values and log-likelihoods.
/// </summary>
public sealed class GlmCommandTests
{
    private static JsonElement Json(CliRun run)
    {
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}: {run.Stderr}");
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    private static JsonElement Expected(string name) =>
        JsonDocument.Parse(File.ReadAllText(Cli.Fixture(name + ".json"))).RootElement;

    private static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void Close(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Max(1, Math.Abs(expected)),
            $"{what}: expected {expected:R}, got {actual:R} (relative tolerance {relative})");

    private static void Close(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Close(expected[i], actual[i], relative, $"{what}[{i}]");
    }

    [Theory]
    [InlineData("gaussian", "gaussian", "y")]
    [InlineData("binomial", "binomial", "y")]
    [InlineData("poisson", "poisson", "y")]
    [InlineData("gamma", "gamma", "y")]
    [InlineData("multinomial", "multinomial", "fruit")]
    public void JsonMatchesStatsmodels(string fixture, string family, string target)
    {
        var expected = Expected(fixture);
        var actual = Json(Cli.Run("glm", Cli.Fixture(fixture + ".csv"), "--target", target, "--family", family, "--json"));

        Assert.Equal(expected.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()),
            actual.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()));
        Close(Numbers(expected.GetProperty("params")), Numbers(actual.GetProperty("params")), 1e-6, "params");
        Close(Numbers(expected.GetProperty("bse")), Numbers(actual.GetProperty("bse")), 1e-5, "bse");
        Close(Numbers(expected.GetProperty("pvalues")), Numbers(actual.GetProperty("pvalues")), 1e-5, "pvalues");
        Close(expected.GetProperty("llf").GetDouble(), actual.GetProperty("llf").GetDouble(), 1e-8, "llf");
        Close(expected.GetProperty("llnull").GetDouble(), actual.GetProperty("llnull").GetDouble(), 1e-6, "llnull");
        Close(expected.GetProperty("aic").GetDouble(), actual.GetProperty("aic").GetDouble(), 1e-8, "aic");
        foreach (var key in new[] { "nobs", "df_model", "df_resid" })
            Assert.Equal(expected.GetProperty(key).GetDouble(), actual.GetProperty(key).GetDouble());
        Assert.Equal(family, actual.GetProperty("family").GetString());
        Assert.Equal(expected.GetProperty("link").GetString(), actual.GetProperty("link").GetString());
        if (expected.TryGetProperty("deviance", out var deviance))
        {
            Close(deviance.GetDouble(), actual.GetProperty("deviance").GetDouble(), 1e-6, "deviance");
            Close(expected.GetProperty("scale").GetDouble(), actual.GetProperty("scale").GetDouble(), 1e-6, "scale");
        }
    }

    [Theory]
    [InlineData("binomial", "y")]
    [InlineData("poisson", "y")]
    [InlineData("multinomial", "fruit")]
    public void LbfgsSolverReachesStatsmodelsEstimates(string family, string target)
    {
        var expected = Expected(family);
        var actual = Json(Cli.Run("glm", Cli.Fixture(family + ".csv"), "--target", target, "--family", family, "--solver", "lbfgs", "--json"));
        Assert.Equal("LBFGS", actual.GetProperty("method").GetString());
        Close(Numbers(expected.GetProperty("params")), Numbers(actual.GetProperty("params")), 1e-5, "params");
        Close(expected.GetProperty("llf").GetDouble(), actual.GetProperty("llf").GetDouble(), 1e-8, "llf");
    }

    [Fact]
    public void JsonHasStatsmodelsKeys()
    {
        var actual = Json(Cli.Run("glm", Cli.Fixture("poisson.csv"), "--target", "y", "--family", "poisson", "--json"));
        foreach (var key in new[] { "params", "bse", "tvalues", "pvalues", "conf_int", "llf", "llnull", "aic", "bic", "deviance",
                     "pearson_chi2", "nobs", "df_model", "df_resid", "scale", "converged" })
            Assert.True(actual.TryGetProperty(key, out _), $"--json output lacks '{key}'");
        // conf_int: one [lower, upper] pair per parameter, around the estimate.
        var parameters = Numbers(actual.GetProperty("params"));
        var intervals = actual.GetProperty("conf_int").EnumerateArray().Select(Numbers).ToArray();
        Assert.Equal(parameters.Length, intervals.Length);
        for (var i = 0; i < parameters.Length; i++) Assert.InRange(parameters[i], intervals[i][0], intervals[i][1]);
    }

    [Fact]
    public void FeaturesOptionSelectsAndOrdersColumns()
    {
        // y on x2 alone: statsmodels' fit of the same column is the reference.
        var full = Json(Cli.Run("glm", Cli.Fixture("gaussian.csv"), "--target", "y", "--features", "x2", "--family", "gaussian", "--json"));
        Assert.Equal(["const", "x2"], full.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var (x2, y) = ReadColumns(Cli.Fixture("gaussian.csv"), "x2", "y");
        var slope = Covariance(x2, y) / Covariance(x2, x2);
        var intercept = y.Average() - slope * x2.Average();
        Close([intercept, slope], Numbers(full.GetProperty("params")), 1e-9, "params");
    }

    [Fact]
    public void NoInterceptFitsThroughTheOrigin()
    {
        // Reference: least squares without a constant, by MathNet's QR on the same columns.
        var path = Cli.Fixture("gaussian.csv");
        var (x1, y) = ReadColumns(path, "x1", "y");
        var (x2, _) = ReadColumns(path, "x2", "y");
        var design = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(y.Length, 2, (i, j) => j == 0 ? x1[i] : x2[i]);
        var beta = design.QR().Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(y));

        var actual = Json(Cli.Run("glm", path, "--target", "y", "--family", "gaussian", "--no-intercept", "--json"));
        Assert.Equal(["x1", "x2"], actual.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Close(beta.ToArray(), Numbers(actual.GetProperty("params")), 1e-9, "params");
    }

    [Fact]
    public void SummaryPrintsTheCoefficientTable()
    {
        var run = Cli.Run("glm", Cli.Fixture("binomial.csv"), "--target", "y", "--family", "binomial");
        Assert.Equal(0, run.ExitCode);
        var expected = Expected("binomial");
        var names = expected.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var values = Numbers(expected.GetProperty("params"));
        var errors = Numbers(expected.GetProperty("bse"));
        var lines = run.Stdout.Split('\n');
        for (var i = 0; i < names.Length; i++)
        {
            // statsmodels prints coef with 4 decimals and std err with 3.
            var row = Assert.Single(lines, l => l.TrimStart().StartsWith(names[i] + " "));
            Assert.Contains(values[i].ToString("F4"), row);
            Assert.Contains(errors[i].ToString("F3"), row);
        }
        Assert.Contains("Dep. Variable:", run.Stdout);
        Assert.Contains("y", run.Stdout);
    }

    [Fact]
    public void MultinomialStringLabelsAreSortedWithTheFirstAsReference()
    {
        var run = Json(Cli.Run("glm", Cli.Fixture("multinomial.csv"), "--target", "fruit", "--family", "multinomial", "--json"));
        var names = run.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.All(names, n => Assert.False(n.StartsWith("apple:"), $"'{n}': apple is the reference class"));
        Assert.StartsWith("banana:", names[0]);
        Assert.StartsWith("cherry:", names[^1]);
    }

    [Fact]
    public void NumericClassLabelsSortNumerically()
    {
        // Labels 2, 10, 9: numeric order 2 < 9 < 10 (as text, "10" < "2" < "9"); reference 2.
        using var csv = new TempCsv("a,y\n0.1,2\n-1.2,10\n0.4,9\n1.5,2\n-0.3,10\n0.9,9\n-1.1,2\n0.2,10\n1.3,9\n-0.6,2\n0.7,10\n-0.2,9\n");
        var run = Json(Cli.Run("glm", csv.Path, "--target", "y", "--family", "multinomial", "--json"));
        var names = run.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["9:const", "9:a", "10:const", "10:a"], names);
    }

    [Fact]
    public void TimingGoesToStderrAndLeavesStdoutJson()
    {
        var run = Cli.Run("glm", Cli.Fixture("poisson.csv"), "--target", "y", "--family", "poisson", "--json", "--timing");
        Assert.Equal(0, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("fit_seconds: ", line);
        Assert.True(double.Parse(line["fit_seconds: ".Length..], System.Globalization.CultureInfo.InvariantCulture) > 0);
        JsonDocument.Parse(run.Stdout);
    }

    [Fact]
    public void RepeatFitsAgainAndTimesEachFit()
    {
        var once = Cli.Run("glm", Cli.Fixture("gamma.csv"), "--target", "y", "--family", "gamma", "--json");
        var run = Cli.Run("glm", Cli.Fixture("gamma.csv"), "--target", "y", "--family", "gamma", "--json", "--timing", "--repeat", "3");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, Assert.Single(run.ErrorLines)["fit_seconds: ".Length..].Split(' ').Length);
        Assert.Equal(once.Stdout, run.Stdout); // the same data give the same fit every time
    }

    internal static (double[] A, double[] B) ReadColumns(string path, string a, string b)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        int ia = Array.IndexOf(header, a), ib = Array.IndexOf(header, b);
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        double P(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        return (rows.Select(r => P(r[ia])).ToArray(), rows.Select(r => P(r[ib])).ToArray());
    }

    private static double Covariance(double[] u, double[] v)
    {
        double mu = u.Average(), mv = v.Average();
        return u.Zip(v, (p, q) => (p - mu) * (q - mv)).Sum();
    }
}
