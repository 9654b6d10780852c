using System.Globalization;
using CsvHelper;

namespace Degenerate.Cli;

/// <summary>
/// A CSV file read whole: a header of column names and rows of raw cells. Every problem with the file becomes a
/// <see cref="UsageException"/> that names the file, and the row, line and column where it applies.
/// </summary>
public sealed class CsvTable
{
    private readonly string[][] _rows;
    private readonly int[] _lines;

    private CsvTable(string path, string[] columns, string[][] rows, int[] lines)
    {
        Path = path;
        Columns = columns;
        _rows = rows;
        _lines = lines;
    }

    /// <summary>The file the table was read from, as given.</summary>
    public string Path { get; }

    /// <summary>Column names from the header line, in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Number of data rows (the header excluded).</summary>
    public int RowCount => _rows.Length;

    /// <summary>
    /// Reads <paramref name="path"/>: comma-separated, first line a header, blank lines skipped, cells trimmed.
    /// Throws <see cref="UsageException"/> for a missing file, an empty file, a header without data rows, duplicate
    /// or empty column names, and rows whose field count differs from the header's.
    /// </summary>
    public static CsvTable Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new UsageException($"'{path}' is a directory, not a CSV file");
        if (!File.Exists(path)) throw new UsageException($"file '{path}' not found");

        var options = new CsvReaderOptions
        {
            HasHeader = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true, // error messages name the file line as well as the data row
            FieldCountMismatch = CsvFieldCountHandling.Allow, // checked below, with a message naming the line
        };
        try
        {
            if (new FileInfo(path).Length == 0) throw new UsageException($"'{path}' is empty: expected a header line of column names, then data rows");
            using var csv = CsvReader.FromFile(path, options);
            var header = csv.Headers.ToArray();
            CheckHeader(path, header);

            var rows = new List<string[]>();
            var lines = new List<int>();
            while (csv.Read())
            {
                var line = (int)csv.LineNumber;
                if (csv.FieldCount != header.Length)
                    throw new UsageException(
                        $"'{path}' line {line} has {csv.FieldCount} field(s) but the header has {header.Length} column(s)");
                var record = new string[header.Length];
                for (var i = 0; i < record.Length; i++) record[i] = csv.GetString(i);
                rows.Add(record);
                lines.Add(line);
            }
            if (rows.Count == 0)
                throw new UsageException($"'{path}' has a header ({string.Join(",", header)}) but no data rows");
            return new CsvTable(path, header, rows.ToArray(), lines.ToArray());
        }
        catch (CsvFormatException e)
        {
            throw new UsageException($"'{path}' is not valid CSV: {e.Message.ReplaceLineEndings(" ").Trim()}");
        }
        catch (IOException e)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}");
        }
    }

    private static void CheckHeader(string path, string[] header)
    {
        if (header.Length == 0 || header.All(string.IsNullOrEmpty))
            throw new UsageException($"'{path}' is empty: expected a header line of column names, then data rows");
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i].Length == 0)
                throw new UsageException($"'{path}' header: column {i + 1} has no name");
            for (var j = 0; j < i; j++)
            {
                if (header[j] == header[i])
                    throw new UsageException($"'{path}' header: column name '{header[i]}' appears twice (columns {j + 1} and {i + 1})");
            }
        }
    }

    /// <summary>The position of column <paramref name="name"/>; an unknown name is a <see cref="UsageException"/> listing the available ones.</summary>
    public int IndexOf(string name, string option)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i] == name) return i;
        }
        throw new UsageException(
            $"{option}: unknown column '{name}' in '{Path}'; available columns: {string.Join(", ", Columns)}");
    }

    /// <summary>The raw (trimmed) cells of one column, row by row.</summary>
    public string[] Cells(int column) => _rows.Select(r => r[column]).ToArray();

    /// <summary>
    /// One column as finite numbers (invariant culture: '.' decimal point, exponents allowed). An empty or
    /// non-numeric cell, NaN or an infinity is a <see cref="UsageException"/> naming the row, line and column, and so
    /// is a number that <paramref name="domain"/> rejects (it returns what is wrong, or null).
    /// </summary>
    public double[] Numbers(int column, Func<double, string?>? domain = null)
    {
        var values = new double[_rows.Length];
        for (var i = 0; i < _rows.Length; i++)
        {
            var cell = _rows[i][column];
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                var what = cell.Length == 0 ? "an empty cell" : $"'{Show(cell)}', which is not a finite number";
                throw new UsageException(
                    $"'{Path}' row {i + 1} (line {_lines[i]}), column '{Columns[column]}': {what}");
            }
            if (domain?.Invoke(value) is { } problem)
                throw new UsageException($"'{Path}' row {i + 1} (line {_lines[i]}), column '{Columns[column]}': {Show(cell)} {problem}");
            values[i] = value;
        }
        return values;
    }

    // A cell as it goes into a one-line message: line breaks (from an unclosed quote) made visible, long cells cut.
    private static string Show(string cell)
    {
        var visible = cell.Replace("\r", "\\r").Replace("\n", "\\n");
        return visible.Length <= 40 ? visible : visible[..40] + "...";
    }
}
