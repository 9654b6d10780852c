using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

/// <summary>CsvBatches reads lazily, batch by batch, and names bad lines.</summary>
public sealed class CsvBatchesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static double[] Values(Data d)
    {
        using var t = d.ToTensor(DType.Float64, Device.CPU, asMatrix: true);
        return t.ToArray<double>();
    }

    [Fact]
    public void SplitsFeaturesAndTargetsInBatches()
    {
        var path = Write("a.csv", "a,b,y\n1,2,3\n4,5,6\r\n7,8,9\n\n10,11,12\n13,14,15\n");
        var batches = new CsvBatches(path, batchSize: 2, targetColumns: [-1]).ToList();
        Assert.Equal(3, batches.Count);
        Assert.Equal([1, 2, 4, 5], Values(batches[0].X));
        Assert.Equal([3, 6], Values(batches[0].Y));
        Assert.Equal([13, 14], Values(batches[2].X));
        Assert.Equal([15], Values(batches[2].Y));
        // A middle target column, no header, another separator.
        var semi = Write("b.csv", "1;2;3\n4;5;6\n");
        var one = new CsvBatches(semi, 10, [1], hasHeader: false, separator: ';').Single();
        Assert.Equal([1, 3, 4, 6], Values(one.X));
        Assert.Equal([2, 5], Values(one.Y));
    }

    [Fact]
    public void ReadsLazily()
    {
        // Line 5000 is bad: the first batches come without reading that far; reaching it names the line.
        var lines = new List<string> { "x,y" };
        for (var i = 1; i < 6000; i++) lines.Add(i == 4999 ? "1,oops" : $"{i},{i * 2}"); // line 5000 of the file
        var path = Write("lazy.csv", string.Join("\n", lines));
        var reader = new CsvBatches(path, batchSize: 100, targetColumns: [1]);
        using (var e = reader.GetEnumerator())
        {
            Assert.True(e.MoveNext());
            Assert.Equal(100, e.Current.X.Rows);
            Assert.True(e.MoveNext());
        }
        var error = Assert.Throws<InvalidDataException>(() => reader.Count());
        Assert.Contains("line 5000", error.Message);
        Assert.Contains("'oops'", error.Message);
    }

    [Fact]
    public void IntegerTargetsAreClassLabels()
    {
        var path = Write("c.csv", "x,label\n0.5,1\n0.25,0\n");
        var batch = new CsvBatches(path, 8, [1], integerTargets: true).Single();
        Assert.True(batch.Y.IsInteger);
        var bad = Write("d.csv", "x,label\n0.5,1.5\n");
        Assert.Throws<InvalidDataException>(() => new CsvBatches(bad, 8, [1], integerTargets: true).Single());
    }

    [Fact]
    public void BadSettingsAndFilesAreNamed()
    {
        var path = Write("e.csv", "a,b\n1,2\n1,2,3\n");
        Assert.Throws<ArgumentOutOfRangeException>("batchSize", () => new CsvBatches(path, 0, [1]));
        Assert.Throws<ArgumentException>("targetColumns", () => new CsvBatches(path, 1, []));
        Assert.Throws<ArgumentException>("targetColumns", () => new CsvBatches(path, 1, [5]).First());
        Assert.Throws<ArgumentException>("targetColumns", () => new CsvBatches(path, 1, [0, 1]).First());
        var ragged = Assert.Throws<InvalidDataException>(() => new CsvBatches(path, 1, [1]).ToList());
        Assert.Contains("line 3", ragged.Message);
        Assert.Throws<FileNotFoundException>(() => new CsvBatches(Path.Combine(_dir, "none.csv"), 1, [1]).First());
    }

    [Fact]
    public void QuotingFollowsRfc4180()
    {
        // Quoted header names with separators, doubled quotes and a line break; quoted numbers; CRLF and a BOM; a
        // record spread over two lines by a quoted line break inside the header counts its lines.
        var path = Write("q.csv",
            "\uFEFF\"size, m\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n" +
            "1.5,\"2\",3\r\n" +
            "\" 4 \", 5 ,\"6e1\"\r\n" +
            "\r\n" +
            "7,8,9");
        var batch = new CsvBatches(path, 10, [-1]).Single();
        Assert.Equal([1.5, 2, 4, 5, 7, 8], Values(batch.X));
        Assert.Equal([3, 60, 9], Values(batch.Y));
        // Tab-separated, with an empty quoted cell: tabs separate rather than being trimmed away.
        var tabs = Write("t.tsv", "a\tb\n1\t2\n\"\"\t3\n");
        var empty = Assert.Throws<InvalidDataException>(() => new CsvBatches(tabs, 10, [1], separator: '\t').ToList());
        Assert.Contains("line 3, column 0", empty.Message);
        var good = Write("g.tsv", "a\tb\n1\t2\n\"3\"\t4\n");
        Assert.Equal([1, 3], Values(new CsvBatches(good, 10, [1], separator: '\t').Single().X));
        // A quoted separator inside a number cell is text, not two cells: the message names the line after the
        // multi-line header, and the column.
        var comma = Write("c.csv", "\"x\ny\",z\n\"1,5\",2\n");
        var e = Assert.Throws<InvalidDataException>(() => new CsvBatches(comma, 10, [1]).ToList());
        Assert.Contains("line 3, column 0", e.Message);
        Assert.Contains("'1,5'", e.Message);
        // Text after a closing quote is malformed CSV.
        var broken = Write("b.csv", "x,y\n\"1\"2,3\n");
        Assert.Contains("text after a closing quote", Assert.Throws<InvalidDataException>(() => new CsvBatches(broken, 10, [1]).ToList()).Message);
        Assert.Throws<ArgumentException>("separator", () => new CsvBatches(path, 1, [1], separator: '\u00A7'));
    }
}
