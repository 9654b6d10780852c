using System.Globalization;
using System.Text.Json;

namespace Degenerate.Cli.Tests;

/// <summary>
/// <c>degenerate glm ... --json</c> then <c>degenerate predict FIT.json NEW.csv</c> against statsmodels 0.13.5's
/// <c>get_prediction(exog).summary_frame(alpha)</c> (fixtures/predict_train.csv, predict_new.csv and predict.json,
/// made by fixtures/make_predict_fixtures.py), and its usage errors.
/// </summary>
public sealed class PredictCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "degenerate-predict-" + Guid.NewGuid().ToString("N"));

    public PredictCommandTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string SaveFit(params string[] glmArgs)
    {
        var run = Cli.Run(["glm", Cli.Fixture("predict_train.csv"), "--json", "--tolerance", "1e-12", .. glmArgs]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var path = Path.Combine(_folder, "fit.json");
        File.WriteAllText(path, run.Stdout);
        return path;
    }

    private static (string[] Columns, double[][] Rows) ParseCsv(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray());
    }

    [Theory]
    [InlineData("ols", new[] { "--target", "y", "--features", "x1,x2", "--family", "gaussian" }, new string[0])]
    [InlineData("logit", new[] { "--target", "b", "--features", "x1,x2", "--family", "binomial" }, new string[0])]
    [InlineData("poisson_exposure", new[] { "--target", "c", "--features", "x1,x2", "--family", "poisson", "--exposure", "e" }, new[] { "--exposure", "e" })]
    [InlineData("poisson_offset", new[] { "--target", "k", "--features", "x1,x2", "--family", "poisson", "--offset", "o" }, new[] { "--offset", "o" })]
    [InlineData("gamma_inverse", new[] { "--target", "g", "--features", "x1,x2", "--family", "gamma" }, new string[0])]
    public void Predictions_equal_statsmodels_summary_frame(string name, string[] glmArgs, string[] predictArgs)
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Cli.Fixture("predict.json"))).RootElement.GetProperty("frames").GetProperty(name);
        var alpha = expected.GetProperty("alpha").GetDouble();
        var fit = SaveFit(glmArgs);
        var run = Cli.Run(["predict", fit, Cli.Fixture("predict_new.csv"), "--alpha", alpha.ToString("R", CultureInfo.InvariantCulture), .. predictArgs]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var (columns, rows) = ParseCsv(run.Stdout);
        Assert.Equal(expected.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray(), columns);
        var values = expected.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.Equal(values.Length, rows.Length);
        for (var i = 0; i < values.Length; i++)
        {
            // statsmodels maps the interval's ends through a decreasing link (Gamma's inverse) without reordering them;
            // ours come out in order, lower < upper: compare the pair as an interval.
            var e = (double[])values[i].Clone();
            if (e[2] > e[3]) (e[2], e[3]) = (e[3], e[2]);
            for (var j = 0; j < e.Length; j++)
                Assert.True(Math.Abs(rows[i][j] - e[j]) <= 1e-8 * Math.Abs(e[j]), $"{name} row {i} {columns[j]}: statsmodels {e[j]:R}, degenerate {rows[i][j]:R}");
        }
    }

    [Fact]
    public void Output_option_writes_the_file_and_nothing_to_stdout()
    {
        var fit = SaveFit("--target", "y", "--features", "x1,x2", "--family", "gaussian");
        var output = Path.Combine(_folder, "out.csv");
        var run = Cli.Run("predict", fit, Cli.Fixture("predict_new.csv"), "--output", output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stdout);
        Assert.Equal(10, File.ReadAllLines(output).Length);  // header + 9 rows
    }

    [Fact]
    public void A_missing_feature_column_is_a_usage_error_naming_it()
    {
        var fit = SaveFit("--target", "y", "--features", "x1,x2", "--family", "gaussian");
        using var csv = new TempCsv("x1,z\n1,2\n", "new.csv");
        var run = Cli.Run("predict", fit, csv.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("x2", run.Stderr);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_a_usage_error_naming_the_line()
    {
        var fit = SaveFit("--target", "y", "--features", "x1,x2", "--family", "gaussian");
        using var csv = new TempCsv("x1,x2\n1,2\n3\n", "new.csv");
        var run = Cli.Run("predict", fit, csv.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("line 3", run.Stderr);
    }

    [Fact]
    public void A_non_numeric_cell_is_a_usage_error_naming_the_line_and_column()
    {
        var fit = SaveFit("--target", "y", "--features", "x1,x2", "--family", "gaussian");
        using var csv = new TempCsv("x1,x2\n1,2\n3,abc\n", "new.csv");
        var run = Cli.Run("predict", fit, csv.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("line 3", run.Stderr);
        Assert.Contains("'x2'", run.Stderr);
    }

    [Fact]
    public void Bad_alpha_a_missing_fit_and_a_file_that_is_not_a_fit_are_usage_errors()
    {
        var fit = SaveFit("--target", "y", "--features", "x1,x2", "--family", "gaussian");
        var alpha = Cli.Run("predict", fit, Cli.Fixture("predict_new.csv"), "--alpha", "1.5");
        Assert.Equal(2, alpha.ExitCode);
        Assert.Contains("--alpha", alpha.Stderr);
        var missing = Cli.Run("predict", Path.Combine(_folder, "nope.json"), Cli.Fixture("predict_new.csv"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr);
        var notFit = Path.Combine(_folder, "not.json");
        File.WriteAllText(notFit, "{\"family\": \"poisson\"}");
        var bad = Cli.Run("predict", notFit, Cli.Fixture("predict_new.csv"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("\"link\"", bad.Stderr);
    }

    [Fact]
    public void Exposure_with_a_non_log_link_is_refused()
    {
        var fit = SaveFit("--target", "y", "--features", "x1,x2", "--family", "gaussian");
        var run = Cli.Run("predict", fit, Cli.Fixture("predict_new.csv"), "--exposure", "e");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("exposure", run.Stderr);
    }
}
