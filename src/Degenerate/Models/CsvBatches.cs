using System.Collections;
using System.Globalization;
using Degenerate.IO;

namespace Degenerate.Models;

/// <summary>
/// A numeric CSV file read lazily as a sequence of batches for <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> (as
/// Keras users stream a file with <c>tf.data</c>): each enumeration opens the file and reads
/// <see cref="BatchSize"/> rows at a time, so memory holds one batch however many rows the file has. The columns in
/// <see cref="TargetColumns"/> are the targets, the others the features, in file order. Records are read as RFC 4180
/// says (the CLI's parser: a quoted field may hold separators, line breaks and doubled quotes; blank lines are skipped;
/// a UTF-8 byte order mark is ignored), so a header with quoted names works; data fields are numbers (invariant
/// culture, quoted or not). A bad field is an <see cref="InvalidDataException"/> naming its line and column.
/// </summary>
public sealed class CsvBatches : IEnumerable<Batch>
{
    private readonly int[] _targets;

    /// <summary>Describes the file; nothing is read until the batches are enumerated.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="batchSize">Rows per batch (the last batch of the file may be smaller).</param>
    /// <param name="targetColumns">0-based indices of the target columns; a negative index counts from the end (-1: the last column).</param>
    /// <param name="hasHeader">Whether the first line holds column names (skipped).</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="integerTargets">Give the (single) target column as integer class labels, for the sparse losses.</param>
    public CsvBatches(string path, int batchSize, IReadOnlyList<int> targetColumns, bool hasHeader = true, char separator = ',',
        bool integerTargets = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(targetColumns);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be a positive integer");
        if (targetColumns.Count == 0) throw new ArgumentException("targetColumns must name at least one column", nameof(targetColumns));
        if (integerTargets && targetColumns.Count != 1)
            throw new ArgumentException($"integerTargets takes exactly one target column, not {targetColumns.Count}", nameof(integerTargets));
        if (separator is '"' or '\r' or '\n' || char.IsDigit(separator) || separator is '.' or '-' or '+')
            throw new ArgumentException($"separator '{separator}' cannot separate numbers", nameof(separator));
        if (separator > 127)
            throw new ArgumentException($"separator '{separator}' (U+{(int)separator:X4}) must be an ASCII character", nameof(separator));
        Path = path;
        BatchSize = batchSize;
        _targets = targetColumns.ToArray();
        HasHeader = hasHeader;
        Separator = separator;
        IntegerTargets = integerTargets;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Rows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Target column indices as given.</summary>
    public IReadOnlyList<int> TargetColumns => _targets;

    /// <summary>Whether the first line is a header.</summary>
    public bool HasHeader { get; }

    /// <summary>The field separator.</summary>
    public char Separator { get; }

    /// <summary>Whether targets are integer class labels.</summary>
    public bool IntegerTargets { get; }

    /// <inheritdoc/>
    public IEnumerator<Batch> GetEnumerator()
    {
        using var csv = CsvParser.Open(Path, Separator);
        if (HasHeader) csv.Read();
        int columns = -1;
        bool[] isTarget = [];
        var rows = new List<double[]>(BatchSize);
        while (csv.Read())
        {
            rows.Add(ParseRecord(csv, ref columns, ref isTarget));
            if (rows.Count == BatchSize)
            {
                yield return ToBatch(rows, isTarget);
                rows.Clear();
            }
        }
        if (rows.Count > 0) yield return ToBatch(rows, isTarget);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private double[] ParseRecord(CsvParser csv, ref int columns, ref bool[] isTarget)
    {
        var count = csv.FieldCount;
        var lineNumber = csv.Line;
        if (columns < 0)
        {
            columns = count;
            isTarget = new bool[columns];
            foreach (var t in _targets)
            {
                var index = t < 0 ? columns + t : t;
                if (index < 0 || index >= columns)
                    throw new ArgumentException(
                        $"targetColumns holds {t}, but '{Path}' has {columns} columns (line {lineNumber}): valid indices are {-columns} to {columns - 1}",
                        "targetColumns");
                isTarget[index] = true;
            }
            if (isTarget.All(b => b)) throw new ArgumentException($"targetColumns take every column of '{Path}'; no features remain", "targetColumns");
        }
        else if (count != columns)
        {
            throw new InvalidDataException($"'{Path}' line {lineNumber} has {count} fields; the first data line has {columns}");
        }
        var values = new double[columns];
        var fields = csv.Fields;
        for (var column = 0; column < columns; column++)
        {
            var field = fields[column];
            var bytes = csv.Buffer.Slice(field.Start, field.Length);
            // A quoted number may carry blanks inside its quotes; unquoted fields come trimmed.
            if (!double.TryParse(field.Quoted ? bytes.Trim(" \t"u8) : bytes, NumberStyles.Float, CultureInfo.InvariantCulture, out values[column]))
                throw new InvalidDataException($"'{Path}' line {lineNumber}, column {column}: '{csv.Text(field)}' is not a number");
        }
        return values;
    }

    private Batch ToBatch(List<double[]> rows, bool[] isTarget)
    {
        var targets = isTarget.Count(b => b);
        var features = isTarget.Length - targets;
        var x = new double[rows.Count, features];
        var y = new double[rows.Count, targets];
        for (var r = 0; r < rows.Count; r++)
        {
            int xi = 0, yi = 0;
            for (var c = 0; c < isTarget.Length; c++)
            {
                if (isTarget[c]) y[r, yi++] = rows[r][c];
                else x[r, xi++] = rows[r][c];
            }
        }
        if (!IntegerTargets) return new Batch(x, y);
        var labels = new int[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var v = y[r, 0];
            if (v != Math.Floor(v) || v < 0 || v > int.MaxValue)
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"'{Path}': target {v} of a batch row is not a class label (a non-negative integer)"));
            labels[r] = (int)v;
        }
        return new Batch(x, labels);
    }
}
