namespace Degenerate.Cli;

/// <summary>
/// One column's cells as numbers, parsed while the file is read and kept in fixed-size blocks (no copy to grow them).
/// A cell that is not a finite number is kept as NaN, and the first such cell's text is remembered for the message.
/// </summary>
internal sealed class CsvColumn
{
    private const int BlockShift = 16;
    private const int BlockSize = 1 << BlockShift;
    private readonly List<double[]> _blocks = new();
    private double[] _current = [];
    private int _count;

    /// <summary>The first row (0-based) whose cell is not a finite number, or -1.</summary>
    public int FirstBadRow { get; private set; } = -1;

    /// <summary>That cell's text.</summary>
    public string? FirstBadText { get; private set; }

    public void Add(double value)
    {
        var slot = _count & (BlockSize - 1);
        if (slot == 0) _blocks.Add(_current = new double[BlockSize]);
        _current[slot] = value;
        _count++;
    }

    /// <summary>Adds a cell that is not a finite number; its text is needed only while <see cref="FirstBadRow"/> is -1.</summary>
    public void AddBad(string? text)
    {
        if (FirstBadRow < 0)
        {
            FirstBadRow = _count;
            FirstBadText = text ?? "";
        }
        Add(double.NaN);
    }

    public double this[int row] => Blocks[row >> BlockShift][row & (BlockSize - 1)];

    /// <summary>Whether <see cref="Release"/> dropped the values.</summary>
    public bool Released { get; private set; }

    private List<double[]> Blocks => Released
        ? throw new InvalidOperationException("this column's numbers were handed over to a Dataset and released")
        : _blocks;

    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/> + count) as one span (within one block).</summary>
    public ReadOnlySpan<double> Block(int start, int count) => Blocks[start >> BlockShift].AsSpan(start & (BlockSize - 1), count);

    /// <summary>The rows one block holds; <see cref="Block"/> never crosses a multiple of it.</summary>
    public const int RowsPerBlock = BlockSize;

    /// <summary>Drops the block holding row <paramref name="start"/> (its memory goes at the next collection).</summary>
    public void ReleaseBlock(int start) => Blocks[start >> BlockShift] = [];

    /// <summary>Drops every value; reading the column afterwards throws InvalidOperationException.</summary>
    public void Release()
    {
        _blocks.Clear();
        _current = [];
        Released = true;
    }

    public double[] ToArray()
    {
        var values = new double[_count];
        var blocks = Blocks;
        for (int b = 0, at = 0; at < _count; b++, at += BlockSize)
            blocks[b].AsSpan(0, Math.Min(BlockSize, _count - at)).CopyTo(values.AsSpan(at));
        return values;
    }
}
