namespace Degenerate.Cli;

/// <summary>
/// The file line of each data row, for messages, in a few bytes: rows usually follow one another line by line, so
/// only the rows where that breaks (after a blank line, or a quoted field spanning lines) are stored.
/// </summary>
internal sealed class LineMap
{
    private readonly List<(int Row, int Line)> _breaks = new();
    private readonly int _firstLine;
    private int _nextRow;
    private int _nextLine;

    /// <summary>A map whose first row is expected on <paramref name="firstLine"/>.</summary>
    public LineMap(int firstLine) => _firstLine = _nextLine = firstLine;

    /// <summary>Records that <paramref name="row"/> (the next row, in order) starts on <paramref name="line"/>.</summary>
    public void Add(int row, int line)
    {
        if (row != _nextRow || line != _nextLine) _breaks.Add((row, line));
        _nextRow = row + 1;
        _nextLine = line + 1;
    }

    /// <summary>The line of <paramref name="row"/> (rows before the first break follow the header's next line).</summary>
    public int this[int row]
    {
        get
        {
            // The last break at or before the row; the row lies that many lines after it.
            int lo = 0, hi = _breaks.Count - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_breaks[mid].Row <= row) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            return found < 0 ? _firstLine + row : _breaks[found].Line + (row - _breaks[found].Row);
        }
    }
}
