using System.Text.Json;
using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// Least-squares summaries against statsmodels 0.13.5's <c>OLS(...).fit().summary().as_text()</c>
/// (tests/fixtures/glm/summaries.json, made by make_summary_fixtures.py), line by line; the Date and Time values are
/// the moment of printing and are skipped.
/// </summary>
public class GlmSummaryTests
{
    private static IEnumerable<JsonElement> Cases()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "glm", "summaries.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    public static TheoryData<string> Names() => new(Cases().Select(c => c.GetProperty("name").GetString()!));

    private static (JsonElement Case, GlmResult Fit) Load(string name)
    {
        var c = Cases().Single(e => e.GetProperty("name").GetString() == name);
        var rows = c.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var x = new double[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[i].Length; j++) x[i, j] = rows[i][j];
        var y = c.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var names = c.GetProperty("feature_names").EnumerateArray().Select(v => v.GetString()!).ToArray();
        var covType = Enum.Parse<CovType>(c.GetProperty("cov_type").GetString()!, ignoreCase: true);
        var fit = Glm.Fit(x, y, Family.Gaussian, options: new GlmOptions
        {
            FeatureNames = names, FitIntercept = c.GetProperty("intercept").GetBoolean(), CovType = covType,
        });
        return (c, fit);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Ols_summary_equals_statsmodels_line_by_line(string name)
    {
        var (c, fit) = Load(name);
        var expected = c.GetProperty("text").GetString()!.Split('\n');
        var actual = fit.Summary(c.GetProperty("dep").GetString()!).TrimEnd('\n').Split('\n');
        Assert.True(expected.Length == actual.Length, $"{name}: {expected.Length} lines expected, got:\n{string.Join('\n', actual)}");
        for (var i = 0; i < expected.Length; i++)
        {
            var (e, a) = expected[i].StartsWith("Date:", StringComparison.Ordinal) || expected[i].StartsWith("Time:", StringComparison.Ordinal)
                ? (expected[i][39..], actual[i].Length >= 39 ? actual[i][39..] : actual[i])
                : (expected[i], actual[i]);
            Assert.True(e == a, $"{name} line {i}:\nstatsmodels: '{expected[i]}'\nDegenerate:  '{actual[i]}'");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Ols_diagnostics_equal_statsmodels(string name)
    {
        var (c, fit) = Load(name);
        Close.Equal(c.GetProperty("rsquared_adj").GetDouble(), fit.RSquaredAdj, 1e-10, 0, "rsquared_adj");
        Close.Equal(c.GetProperty("omnibus").GetDouble(), fit.Omnibus, 1e-8, 1e-12, "omnibus");
        Close.Equal(c.GetProperty("durbin_watson").GetDouble(), fit.DurbinWatson, 1e-9, 0, "durbin_watson");
        var jb = c.GetProperty("jarque_bera").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Close.Equal(jb[0], fit.JarqueBera, 1e-8, 1e-12, "jb");
        Close.Equal(jb[1], fit.JarqueBeraPValue, 1e-7, 1e-300, "jb pvalue");
        Close.Equal(jb[2], fit.ResidSkew, 1e-8, 1e-12, "skew");
        Close.Equal(jb[3], fit.ResidKurtosis, 1e-9, 0, "kurtosis");
        // Eigenvalues of XᵀX where statsmodels squares the singular values of X: equal to rounding at these conditions.
        Close.Equal(c.GetProperty("condition_number").GetDouble(), fit.ConditionNumber, 1e-8, 0, "condition_number");
    }

    [Fact]
    public void Non_least_squares_fits_have_no_ols_diagnostics()
    {
        var f = GlmFixture.Load("inference_poisson");
        var r = Glm.Fit(f.X, f.Y, f.Family, f.Link);
        Assert.False(r.IsLeastSquares);
        Assert.True(double.IsNaN(r.Omnibus) && double.IsNaN(r.ConditionNumber) && double.IsNaN(r.RSquaredAdj));
        Assert.DoesNotContain("Omnibus", r.Summary());
    }
}
