using System.Globalization;
using System.Runtime.CompilerServices;
using Degenerate.IO;

namespace Degenerate.Cli;

/// <summary>
/// A CSV file read whole into numbers: a header of column names, then each column's cells parsed as they stream by
/// (a few bytes of overhead per row beyond the numbers themselves; text cells are read again from the file when
/// asked for). Every problem with the file becomes a <see cref="UsageException"/> that names the file, and the row,
/// line and column where it applies.
/// </summary>
public sealed class CsvTable
{
    private readonly CsvColumn[] _columns;
    private readonly LineMap _lines;

    private CsvTable(string path, string[] columns, CsvColumn[] values, int rows, LineMap lines)
    {
        Path = path;
        Columns = columns;
        _columns = values;
        RowCount = rows;
        _lines = lines;
    }

    /// <summary>The file the table was read from, as given.</summary>
    public string Path { get; }

    /// <summary>Column names from the header line, in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Number of data rows (the header excluded).</summary>
    public int RowCount { get; }

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
        return Guarded(path, () =>
        {
            if (new FileInfo(path).Length == 0) throw new UsageException($"'{path}' is empty: expected a header line of column names, then data rows");
            using var csv = CsvParser.Open(path, error: message => new UsageException(message));
            var header = ReadHeader(path, csv);
            var columns = header.Select(_ => new CsvColumn()).ToArray();
            var lines = new LineMap(csv.Line + 1);
            var rows = ReadRows(path, csv, header.Length, columns, lines);
            if (rows == 0)
                throw new UsageException($"'{path}' has a header ({string.Join(",", header)}) but no data rows");
            return new CsvTable(path, header, columns, rows, lines);
        });
    }

    // The hot loop, compiled optimized from the first call: a process reads one file, so a read at tier-0 speed
    // would be most of what it ever does.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ReadRows(string path, CsvParser csv, int width, CsvColumn[] columns, LineMap lines)
    {
        var rows = 0;
        while (csv.Read())
        {
            if (csv.FieldCount != width)
                throw new UsageException($"'{path}' line {csv.Line} has {csv.FieldCount} field(s) but the header has {width} column(s)");
            if (rows == int.MaxValue) throw new UsageException($"'{path}' has more than {int.MaxValue} rows");
            lines.Add(rows, csv.Line);
            var fields = csv.Fields;
            var buffer = csv.Buffer;
            for (var j = 0; j < fields.Length; j++)
            {
                var f = fields[j];
                if (!f.Quoted && CsvNumber.TryParse(buffer.Slice(f.Start, f.Length), out var value) && double.IsFinite(value))
                    columns[j].Add(value);
                else if (f.Quoted && double.TryParse(csv.Text(f), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
                    columns[j].Add(value);
                else
                    columns[j].AddBad(columns[j].FirstBadRow < 0 ? csv.Text(f) : null);
            }
            rows++;
        }
        return rows;
    }

    private static T Guarded<T>(string path, Func<T> read)
    {
        try
        {
            return read();
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

    private static string[] ReadHeader(string path, CsvParser csv)
    {
        if (!csv.Read()) throw new UsageException($"'{path}' is empty: expected a header line of column names, then data rows");
        var header = new string[csv.FieldCount];
        for (var i = 0; i < header.Length; i++) header[i] = csv.Text(csv.Fields[i]);
        if (header.All(string.IsNullOrEmpty))
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
        return header;
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

    /// <summary>
    /// The raw (trimmed) cells of one column, row by row, read again from the file (only text columns need them:
    /// class labels, cluster ids). Repeated labels share one string.
    /// </summary>
    public string[] Cells(int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns.Count);
        var cells = new string[RowCount];
        Rescan((row, text) => cells[row] = text, column, stopAfterRow: RowCount - 1);
        return cells;
    }

    // Reads the file again, handing each data row's cell of one column to the callback, up to a row.
    private void Rescan(Action<int, string> cell, int column, int stopAfterRow)
    {
        Guarded(Path, () =>
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            using var csv = CsvParser.Open(Path, error: message => new UsageException(message));
            csv.Read(); // the header
            var row = 0;
            for (; row <= stopAfterRow && csv.Read(); row++)
            {
                if (csv.FieldCount != Columns.Count) break;
                var text = csv.Text(csv.Fields[column]);
                if (labels.Count < 100_000) text = labels.TryGetValue(text, out var same) ? same : labels[text] = text;
                cell(row, text);
            }
            if (row <= stopAfterRow) throw new UsageException($"'{Path}' changed while it was being read: read it again");
            return 0;
        });
    }

    private string RawCell(int row, int column)
    {
        var text = "";
        Rescan((r, t) => { if (r == row) text = t; }, column, row);
        return text;
    }

    /// <summary>
    /// One column as finite numbers (invariant culture: '.' decimal point, exponents allowed). An empty or
    /// non-numeric cell, NaN or an infinity is a <see cref="UsageException"/> naming the row, line and column, and so
    /// is a number that <paramref name="domain"/> rejects (it returns what is wrong, or null).
    /// </summary>
    public double[] Numbers(int column, Func<double, string?>? domain = null)
    {
        Check(column, domain);
        return _columns[column].ToArray();
    }

    /// <summary>
    /// <see cref="Numbers"/> written straight into column <paramref name="j"/> of <paramref name="x"/> (no column-sized
    /// copy in between: on a large file each would be another large-object allocation).
    /// </summary>
    internal void CopyNumbers(int column, double[,] x, int j)
    {
        Check(column, null);
        var values = _columns[column];
        for (var i = 0; i < RowCount; i++) x[i, j] = values[i];
    }

    /// <summary>
    /// <see cref="CopyNumbers"/> for several columns at once, block of rows by block of rows, releasing each block of
    /// those columns as soon as it is copied: the parsed numbers and the design are never both whole in memory
    /// (issue 14: the CLI's memory stays near the size of the parsed data). The columns cannot be read again.
    /// A full collection after every <paramref name="releaseBatchBytes"/> of released blocks returns them to the system.
    /// </summary>
    internal void MoveNumbers(IReadOnlyList<int> columns, double[,] x, long releaseBatchBytes = ReleaseBatchBytes) =>
        MoveNumbersInParts(columns, [x], releaseBatchBytes);

    /// <summary>
    /// <see cref="MoveNumbers"/> into consecutive parts: the first rows into <paramref name="parts"/>[0], the next into
    /// [1], and so on (a train/validation split without holding the table and both parts at once).
    /// </summary>
    internal void MoveNumbersInParts(IReadOnlyList<int> columns, IReadOnlyList<double[,]> parts, long releaseBatchBytes = ReleaseBatchBytes)
    {
        foreach (var c in columns) Check(c, null);
        if (parts.Sum(part => (long)part.GetLength(0)) != RowCount || parts.Any(part => part.GetLength(1) != columns.Count))
            throw new ArgumentException(
                $"the parts are {string.Join(" + ", parts.Select(part => $"[{part.GetLength(0)}, {part.GetLength(1)}]"))}; " +
                $"expected {RowCount} rows in all, each part {columns.Count} columns wide", nameof(parts));
        long released = 0;
        for (var start = 0; start < RowCount; start += CsvColumn.RowsPerBlock)
        {
            var count = Math.Min(CsvColumn.RowsPerBlock, RowCount - start);
            var partStart = 0;
            foreach (var part in parts)
            {
                var from = Math.Max(start, partStart);
                var to = Math.Min(start + count, partStart + part.GetLength(0));
                if (from < to) CopyBlock(columns, part, from, to - from, from - partStart);
                partStart += part.GetLength(0);
            }
            foreach (var c in columns) _columns[c].ReleaseBlock(start);
            // Released blocks are garbage that no allocation here would collect: return them to the system every
            // so often, so that the numbers are about once in memory during the move too, not table + design.
            released += (long)count * columns.Count * sizeof(double);
            if (released >= releaseBatchBytes)
            {
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                released = 0;
            }
        }
        foreach (var c in columns) _columns[c].Release();
    }

    // Rows [from, from + count) of the columns (within one block) into x from row xRow on.
    private void CopyBlock(IReadOnlyList<int> columns, double[,] x, int from, int count, long xRow)
    {
        long p = x.GetLength(1);
        // x's elements in row-major order (a rectangular array is one block of memory); long offsets: it may hold
        // more than int.MaxValue numbers.
        ref var first = ref System.Runtime.CompilerServices.Unsafe.As<byte, double>(
            ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(x));
        for (var j = 0; j < columns.Count; j++)
        {
            var values = _columns[columns[j]].Block(from, count);
            ref var cell = ref System.Runtime.CompilerServices.Unsafe.Add(ref first, (nint)(xRow * p + j));
            for (var i = 0; i < values.Length; i++) System.Runtime.CompilerServices.Unsafe.Add(ref cell, (nint)(i * p)) = values[i];
        }
    }

    /// <summary>Throws <see cref="UsageException"/> as <see cref="Numbers"/> would, without copying the column.</summary>
    internal void CheckNumbers(int column) => Check(column, null);

    // Bytes of released blocks between collections in MoveNumbers: the move's excess over the numbers themselves is at
    // most this (plus a partly freed heap region), far below the libtorch runtime that the fit loads afterwards,
    // while a 10^7-row table costs only about a dozen collections.
    private const long ReleaseBatchBytes = 64L << 20;

    /// <summary>Drops a column's numbers (they were copied elsewhere); reading it afterwards throws.</summary>
    internal void Release(int column) => _columns[column].Release();

    private void Check(int column, Func<double, string?>? domain)
    {
        var values = _columns[column];
        var bad = values.FirstBadRow < 0 ? RowCount : values.FirstBadRow;
        if (domain is not null)
        {
            for (var i = 0; i < bad; i++)
            {
                if (domain(values[i]) is { } problem)
                    throw new UsageException($"'{Path}' row {i + 1} (line {_lines[i]}), column '{Columns[column]}': {Show(RawCell(i, column))} {problem}");
            }
        }
        if (bad < RowCount)
        {
            var cell = values.FirstBadText!;
            var what = cell.Length == 0 ? "an empty cell" : $"'{Show(cell)}', which is not a finite number";
            throw new UsageException($"'{Path}' row {bad + 1} (line {_lines[bad]}), column '{Columns[column]}': {what}");
        }
    }

    // A cell as it goes into a one-line message: line breaks (from an unclosed quote) made visible, long cells cut.
    private static string Show(string cell)
    {
        var visible = cell.Replace("\r", "\\r").Replace("\n", "\\n");
        return visible.Length <= 40 ? visible : visible[..40] + "...";
    }
}
