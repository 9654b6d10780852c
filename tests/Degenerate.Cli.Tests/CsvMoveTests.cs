using System.Globalization;
using System.Text;

namespace Degenerate.Cli.Tests;

/// <summary>
/// The hand-over of a table's numbers to the design (issue 14): block by block, with collections in between that
/// return the released blocks to the system. The design must hold exactly the numbers a plain copy gives, across
/// several 65,536-row blocks and a partial last one, whether the move collects after every block or never.
/// </summary>
public class CsvMoveTests
{
    private const int Rows = 2 * 65_536 + 1_234;

    private static double Cell(int row, int column) => row * 0.25 - column * 1e-3 + (row % 7) * 1e5;

    private static TempCsv File()
    {
        var text = new StringBuilder("a,b,c,y\n");
        for (var i = 0; i < Rows; i++)
            text.Append(string.Join(",", Enumerable.Range(0, 4).Select(j => Cell(i, j).ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
        return new TempCsv(text.ToString());
    }

    [Theory]
    [InlineData(1L)]              // a collection after every block
    [InlineData(long.MaxValue)]   // none
    public void MovedNumbersEqualTheCopiedOnesAndTheColumnsAreReleased(long releaseBatchBytes)
    {
        using var csv = File();
        var table = CsvTable.Load(csv.Path);
        var expected = new double[Rows, 2];
        table.CopyNumbers(2, expected, 0);
        table.CopyNumbers(0, expected, 1);

        var x = new double[Rows, 2];
        table.MoveNumbers([2, 0], x, releaseBatchBytes);
        Assert.Equal(expected, x);
        Assert.Equal(Cell(Rows - 1, 2), x[Rows - 1, 0]);
        Assert.Throws<InvalidOperationException>(() => table.Numbers(0));
        Assert.Throws<InvalidOperationException>(() => table.Numbers(2));
        Assert.Equal(Cell(65_536, 1), table.Numbers(1)[65_536]);  // a column not moved stays readable
    }

    [Fact]
    public void ADatasetThatConsumesTheTableHoldsTheSameNumbers()
    {
        using var csv = File();
        var copied = Dataset.From(CsvTable.Load(csv.Path), "y", "c,a", categoricalTarget: false);
        var moved = Dataset.From(CsvTable.Load(csv.Path), "y", "c,a", categoricalTarget: false, consume: true);
        Assert.Equal(copied.X, moved.X);
        Assert.Equal(copied.Y, moved.Y);
        Assert.Equal(new[] { "c", "a" }, moved.Features);
    }
}
