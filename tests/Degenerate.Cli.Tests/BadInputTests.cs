namespace Degenerate.Cli.Tests;

/// <summary>
/// Bad files, columns, cells and options: exactly one line on stderr that names the problem, nothing on stdout,
/// exit code 2.
/// </summary>
public sealed class BadInputTests
{
    private static string OneErrorLine(CliRun run)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line);
        return line;
    }

    [Theory]
    [InlineData("glm")]
    [InlineData("ladder")]
    public void MissingFileIsNamed(string command)
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "data.csv");
        var line = OneErrorLine(Cli.Run(command, path, "--target", "y", "--family", "gaussian"));
        Assert.Contains($"file '{path}' not found", line);
    }

    [Fact]
    public void UnknownTargetColumnIsNamedAndTheAvailableOnesListed()
    {
        using var csv = new TempCsv("a,b,y\n1,2,3\n4,5,7\n2,2,2\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "z", "--family", "gaussian"));
        Assert.Contains("unknown column 'z'", line);
        Assert.Contains("available columns: a, b, y", line);
        Assert.Contains("--target", line);
    }

    [Fact]
    public void UnknownFeatureColumnIsNamed()
    {
        using var csv = new TempCsv("a,b,y\n1,2,3\n4,5,7\n2,2,2\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--features", "a,c", "--family", "gaussian"));
        Assert.Contains("--features: unknown column 'c'", line);
        Assert.Contains("available columns: a, b, y", line);
    }

    [Fact]
    public void NonNumericCellIsNamedByRowAndColumn()
    {
        using var csv = new TempCsv("a,b,y\n1,2,3\n4,5,7\n2,abc,2\n3,1,1\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", "gaussian"));
        // Data row 3 is file line 4 (the header is line 1).
        Assert.Contains("row 3 (line 4), column 'b'", line);
        Assert.Contains("'abc'", line);
    }

    [Fact]
    public void UnclosedQuoteStillGivesOneLine()
    {
        // The quote swallows the following lines into one cell; the message shows its line breaks as \n.
        using var csv = new TempCsv("a,y\n1,2\n2,\"3\n3,5\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", "gaussian"));
        Assert.Contains("row 2 (line 3), column 'y': '3\\n3,5\\n'", line);
    }

    [Fact]
    public void EmptyCellIsNamedByRowAndColumn()
    {
        using var csv = new TempCsv("a,b,y\n1,2,3\n4,,7\n2,1,2\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", "gaussian"));
        Assert.Contains("row 2 (line 3), column 'b': an empty cell", line);
    }

    [Fact]
    public void NonNumericTargetIsNamedUnlessMultinomial()
    {
        using var csv = new TempCsv("a,y\n1,cat\n2,dog\n3,cat\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", "binomial"));
        Assert.Contains("row 1 (line 2), column 'y': 'cat'", line);
    }

    [Fact]
    public void EmptyFileIsReported()
    {
        using var csv = new TempCsv("");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", "gaussian"));
        Assert.Contains("is empty", line);
        Assert.Contains(csv.Path, line);
    }

    [Fact]
    public void HeaderWithoutDataRowsIsReported()
    {
        using var csv = new TempCsv("a,b,y\n\n");
        var line = OneErrorLine(Cli.Run("ladder", csv.Path, "--target", "y"));
        Assert.Contains("has a header (a,b,y) but no data rows", line);
    }

    [Theory]
    [InlineData("gaussian")]
    [InlineData("binomial")]
    [InlineData("multinomial")]
    public void ConstantTargetIsReported(string family)
    {
        using var csv = new TempCsv("a,b,y\n1,2,1\n4,5,1\n2,2,1\n0,7,1\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", family));
        Assert.Contains("target column 'y'", line);
        Assert.Contains("is constant (all 4 rows are 1)", line);
    }

    [Fact]
    public void RowWithTheWrongFieldCountIsReported()
    {
        using var csv = new TempCsv("a,b,y\n1,2,3\n4,5\n2,2,2\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", "gaussian"));
        Assert.Contains("line 3 has 2 field(s) but the header has 3 column(s)", line);
    }

    [Fact]
    public void DuplicateColumnNameIsReported()
    {
        using var csv = new TempCsv("a,a,y\n1,2,3\n4,5,6\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", "gaussian"));
        Assert.Contains("column name 'a' appears twice", line);
    }

    [Theory]
    [InlineData("--family", "banana", "unknown family 'banana'")]
    [InlineData("--link", "cauchy", "unknown link 'cauchy'")]
    [InlineData("--solver", "sgd", "unknown solver 'sgd'")]
    public void UnknownOptionValueIsReported(string option, string value, string expected)
    {
        using var csv = new TempCsv("a,y\n1,2\n2,3\n3,5\n");
        var args = new List<string> { "glm", csv.Path, "--target", "y", "--family", "gaussian" };
        if (option == "--family") args[^1] = value;
        else args.AddRange([option, value]);
        var line = OneErrorLine(Cli.Run(args.ToArray()));
        Assert.Contains(option, line);
        Assert.Contains(expected, line);
    }

    [Fact]
    public void MissingRequiredOptionIsOneLine()
    {
        using var csv = new TempCsv("a,y\n1,2\n2,3\n3,5\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--family", "gaussian"));
        Assert.Contains("--target", line);
        Assert.Contains("degenerate glm --help", line);
    }

    [Fact]
    public void UnknownOptionIsOneLine()
    {
        using var csv = new TempCsv("a,y\n1,2\n2,3\n3,5\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", "gaussian", "--colour", "red"));
        Assert.Contains("--colour", line);
    }

    [Fact]
    public void NoCommandIsOneLine()
    {
        var run = Cli.Run();
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.ErrorLines);
    }

    [Fact]
    public void FeatureThatIsTheTargetIsReported()
    {
        using var csv = new TempCsv("a,y\n1,2\n2,3\n3,5\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--features", "a,y", "--family", "gaussian"));
        Assert.Contains("'y' is the target column", line);
    }

    [Theory]
    [InlineData("binomial", "a,y\n1,0\n2,3\n3,1\n4,0\n", "row 2 (line 3), column 'y': 3 is outside [0, 1]")]
    [InlineData("poisson", "a,y\n1,0\n2,3\n3,-1\n4,0\n", "row 3 (line 4), column 'y': -1 is negative")]
    [InlineData("gamma", "a,y\n1,2\n2,0\n3,1\n4,5\n", "row 2 (line 3), column 'y': 0 is not positive")]
    public void TargetOutsideTheFamilysDomainIsNamedByRowAndColumn(string family, string text, string expected)
    {
        using var csv = new TempCsv(text);
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", family));
        Assert.Contains(expected, line);
    }

    [Fact]
    public void LibraryArgumentErrorsAreUsageErrors()
    {
        // The library refuses a link the family does not support; the CLI passes its message on as one line.
        using var csv = new TempCsv("a,y\n1,0\n2,1\n3,1\n4,0\n");
        var line = OneErrorLine(Cli.Run("glm", csv.Path, "--target", "y", "--family", "binomial", "--link", "identity"));
        Assert.Contains("link Identity is not supported with family Binomial", line);
    }

    [Fact]
    public void HelpExitsZero()
    {
        var run = Cli.Run("glm", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--family", run.Stdout);
        Assert.Equal("", run.Stderr);
    }
}
