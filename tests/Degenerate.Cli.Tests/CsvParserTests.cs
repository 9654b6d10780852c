using System.Globalization;
using System.Text;
using Degenerate.IO;

namespace Degenerate.Cli.Tests;

/// <summary>
/// The CLI's streaming CSV reader: records split the same however the file falls across buffer refills, quoting as
/// RFC 4180 (doubled quotes, commas and line breaks inside quotes), numbers exactly as double.Parse reads them, and
/// messages that name the right file line after blank lines and multi-line fields.
/// </summary>
public sealed class CsvParserTests
{
    private const string Tricky =
        "\uFEFFa, b ,c\r\n" +
        "1,\"x, y\",3\r\n" +
        "\r\n" +
        "  4 ,\"say \"\"hi\"\"\",\t6\n" +
        "\n" +
        "7,\"two\nlines\",9\r" +
        "10,,\"\"\n" +
        "11,\"last\",12";

    private static readonly string[][] Expected =
    [
        ["a", "b", "c"],
        ["1", "x, y", "3"],
        ["4", "say \"hi\"", "6"],
        ["7", "two\nlines", "9"],
        ["10", "", ""],
        ["11", "last", "12"],
    ];

    private static readonly int[] ExpectedLines = [1, 2, 4, 6, 8, 9];

    private static (List<string[]> Records, List<int> Lines) Parse(string text, int buffer)
    {
        using var parser = new CsvParser("t.csv", new MemoryStream(Encoding.UTF8.GetBytes(text)), buffer,
            error: message => new UsageException(message));
        var records = new List<string[]>();
        var lines = new List<int>();
        while (parser.Read())
        {
            var fields = new string[parser.FieldCount];
            for (var i = 0; i < fields.Length; i++) fields[i] = parser.Text(parser.Fields[i]);
            records.Add(fields);
            lines.Add(parser.Line);
        }
        return (records, lines);
    }

    [Fact]
    public void RecordsAndLinesAreTheSameForEveryBufferSize()
    {
        // Buffers from 16 bytes (every record crosses a refill, and some need the buffer to grow) to 1 MiB.
        foreach (var size in Enumerable.Range(16, 48).Append(1 << 20))
        {
            var (records, lines) = Parse(Tricky, size);
            Assert.Equal(Expected, records);
            Assert.Equal(ExpectedLines, lines);
        }
    }

    [Fact]
    public void TextAfterAClosingQuoteIsInvalidCsv()
    {
        var e = Assert.Throws<UsageException>(() => Parse("a,b\n1,\"x\"y\n", 1 << 20));
        Assert.Contains("'t.csv' is not valid CSV: line 2 has text after a closing quote", e.Message);
    }

    [Fact]
    public void NumbersAreExactlyWhatDoubleParseReads()
    {
        var random = new System.Random(3);
        var rows = 20_000; // about 1.3 MB: crosses the 1 MiB buffer
        var cells = new string[rows, 3];
        var text = new StringBuilder("u,v,w\n");
        for (var i = 0; i < rows; i++)
        {
            var v = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300));
            cells[i, 0] = v.ToString("R", CultureInfo.InvariantCulture);
            cells[i, 1] = v.ToString("E3", CultureInfo.InvariantCulture);
            cells[i, 2] = " +" + random.Next().ToString(CultureInfo.InvariantCulture) + ".5 ";
            text.Append(cells[i, 0]).Append(',').Append(cells[i, 1]).Append(',').Append(cells[i, 2]).Append('\n');
        }
        using var csv = new TempCsv(text.ToString());
        var table = CsvTable.Load(csv.Path);
        Assert.Equal(rows, table.RowCount);
        for (var j = 0; j < 3; j++)
        {
            var numbers = table.Numbers(j);
            for (var i = 0; i < rows; i++)
                Assert.Equal(double.Parse(cells[i, j], NumberStyles.Float, CultureInfo.InvariantCulture), numbers[i]);
        }
        Assert.Equal(cells[7, 1], table.Cells(1)[7]);
    }

    [Fact]
    public void MessagesNameTheLineAfterBlankLinesAndMultiLineFields()
    {
        using var csv = new TempCsv("a,y\n1,2\n\n\"x\ny\",3\n4,z\n");
        var table = CsvTable.Load(csv.Path);
        var e = Assert.Throws<UsageException>(() => table.Numbers(1));
        Assert.Contains("row 3 (line 6), column 'y': 'z', which is not a finite number", e.Message);
        e = Assert.Throws<UsageException>(() => table.Numbers(0));
        Assert.Contains("row 2 (line 4), column 'a': 'x\\ny', which is not a finite number", e.Message);
    }

    [Fact]
    public void ADomainErrorShowsTheCellAsWritten()
    {
        using var csv = new TempCsv("a,y\n1,0\n2,3.50\n");
        var table = CsvTable.Load(csv.Path);
        var e = Assert.Throws<UsageException>(() => table.Numbers(1, v => v > 1 ? "is outside [0, 1]" : null));
        Assert.Contains("row 2 (line 3), column 'y': 3.50 is outside [0, 1]", e.Message);
    }

    [Fact]
    public void TextCellsAreReadAsWritten()
    {
        using var csv = new TempCsv("a,label\n1,\"red, dark\"\n2, blue \n3,red\n");
        Assert.Equal(["red, dark", "blue", "red"], CsvTable.Load(csv.Path).Cells(1));
    }
}
