using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace Degenerate.Cli.Tests;

/// <summary>
/// The ladder's train/validation split hands the parsed rows over (issue 14): each part holds its rows once and the
/// dataset they came from lets go of its numbers. The parts must hold exactly the rows the order names, in that order.
/// </summary>
public sealed class LadderSplitTests
{
    private const int Rows = 50;

    private static double Cell(int row, int column) => row * 0.5 - column * 1e-3;

    private static TempCsv File(bool labels)
    {
        var text = new StringBuilder("a,b,y\n");
        for (var i = 0; i < Rows; i++)
            text.Append(Cell(i, 0).ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(i, 1).ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(labels ? (i % 3 == 0 ? "pear" : "fig") : Cell(i, 2).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return new TempCsv(text.ToString());
    }

    private static int[] Order()
    {
        var order = Enumerable.Range(0, Rows).ToArray();
        new System.Random(5).Shuffle(order);
        return order;
    }

    [Fact]
    public void PartsHoldTheNamedRowsInOrderAndTheDatasetLetsGo()
    {
        using var csv = File(labels: false);
        var data = Dataset.From(CsvTable.Load(csv.Path), "y", null, categoricalTarget: false, consume: true);
        var order = Order();
        var (first, second) = data.SplitOff(order, 40);

        Assert.Equal(40, first.Rows);
        Assert.Equal(10, second.Rows);
        for (var i = 0; i < Rows; i++)
        {
            var (part, at) = i < 40 ? (first, i) : (second, i - 40);
            Assert.Equal(Cell(order[i], 0), part.X[at, 0]);
            Assert.Equal(Cell(order[i], 1), part.X[at, 1]);
            Assert.Equal(Cell(order[i], 2), part.Y[at]);
        }
        Assert.Equal(new[] { "a", "b" }, first.Features);
        Assert.Equal(new[] { "a", "b" }, second.Features);

        // The numbers are the parts' now; the names and the row count stay readable.
        Assert.Contains("handed over", Assert.Throws<InvalidOperationException>(() => data.X).Message);
        Assert.Throws<InvalidOperationException>(() => data.Y);
        Assert.Equal(Rows, data.Rows);
        Assert.Equal("y", data.Target);
    }

    [Fact]
    public void CategoricalPartsKeepTheClassesAndTheirIndices()
    {
        using var csv = File(labels: true);
        var data = Dataset.From(CsvTable.Load(csv.Path), "y", null, categoricalTarget: true, consume: true);
        var order = Order();
        var (first, second) = data.SplitOff(order, 45);
        // Sorted labels: fig = 0, pear = 1.
        Assert.Equal(new[] { "fig", "pear" }, first.ClassNames);
        Assert.Equal(new[] { "fig", "pear" }, second.ClassNames);
        Assert.Equal(order[..45].Select(r => r % 3 == 0 ? 1 : 0), first.ClassIndices);
        Assert.Equal(order[45..].Select(r => r % 3 == 0 ? 1 : 0), second.ClassIndices);
    }

    [Fact]
    public void AnOrderThatIsNotOneNumberPerRowIsRefused()
    {
        using var csv = File(labels: false);
        var data = Dataset.From(CsvTable.Load(csv.Path), "y", null, categoricalTarget: false);
        var e = Assert.Throws<ArgumentException>(() => data.SplitOff(new int[Rows - 1], 10));
        Assert.Equal("order", e.ParamName);
        Assert.Contains("49 row numbers but the dataset has 50 rows", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.SplitOff(Order(), Rows + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.SplitOff(Order(), -1));
        Assert.Equal(Cell(3, 1), data.X[3, 1]);  // a refused split leaves the numbers in place
    }

    [Fact]
    public void DeferredFeaturesMoveFromTheTableStraightIntoThePartsAcrossBlocks()
    {
        // Three 65,536-row blocks (the last partial), split inside the second: the parts must hold what a plain copy
        // gives, and the table must have let go of the features.
        const int rows = 2 * 65_536 + 1_234, splitAt = 100_003;
        var text = new StringBuilder("a,b,y\n");
        for (var i = 0; i < rows; i++)
            text.Append(Cell(i, 0).ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(i, 1).ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(i, 2).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        using var csv = new TempCsv(text.ToString());
        var table = CsvTable.Load(csv.Path);
        var data = Dataset.From(table, "y", "b,a", categoricalTarget: false, consume: true, deferFeatures: true);
        var (first, second) = data.SplitOff(Enumerable.Range(0, rows).ToArray(), splitAt);

        Assert.Equal(new[] { "b", "a" }, first.Features);
        Assert.Equal(splitAt, first.Rows);
        Assert.Equal(rows - splitAt, second.Rows);
        foreach (var i in new[] { 0, 65_535, 65_536, splitAt - 1, splitAt, 131_071, 131_072, rows - 1 })
        {
            var (part, at) = i < splitAt ? (first, i) : (second, i - splitAt);
            Assert.Equal(Cell(i, 1), part.X[at, 0]);
            Assert.Equal(Cell(i, 0), part.X[at, 1]);
            Assert.Equal(Cell(i, 2), part.Y[at]);
        }
        Assert.Throws<InvalidOperationException>(() => table.Numbers(0));
        Assert.Throws<InvalidOperationException>(() => data.X);
    }

    [Fact]
    public void DeferredFeaturesAreMovedWhenFirstReadAndShuffledSplitsStillWork()
    {
        using var csv = File(labels: false);
        var plain = Dataset.From(CsvTable.Load(csv.Path), "y", null, categoricalTarget: false);
        var deferred = Dataset.From(CsvTable.Load(csv.Path), "y", null, categoricalTarget: false, consume: true, deferFeatures: true);
        Assert.Equal(plain.X, deferred.X);

        var order = Order();
        var (first, second) = Dataset.From(CsvTable.Load(csv.Path), "y", null, categoricalTarget: false, consume: true, deferFeatures: true)
            .SplitOff(order, 40);
        var (expectedFirst, expectedSecond) = (plain.Select(order[..40]), plain.Select(order[40..]));
        Assert.Equal(expectedFirst.X, first.X);
        Assert.Equal(expectedFirst.Y, first.Y);
        Assert.Equal(expectedSecond.X, second.X);
        Assert.Equal(expectedSecond.Y, second.Y);
    }

    [Fact]
    public void DeferringChecksTheFeaturesAtOnceAndNeedsTheHandOver()
    {
        using var csv = new TempCsv("a,b,y\n1,2,3\n4,oops,6\n7,8,10\n");
        var e = Assert.Throws<UsageException>(() =>
            Dataset.From(CsvTable.Load(csv.Path), "y", null, categoricalTarget: false, consume: true, deferFeatures: true));
        Assert.Contains("oops", e.Message);
        var wrong = Assert.Throws<ArgumentException>(() =>
            Dataset.From(CsvTable.Load(csv.Path), "y", "a", categoricalTarget: false, deferFeatures: true));
        Assert.Equal("deferFeatures", wrong.ParamName);
    }

    [Fact]
    public void PartsThatDoNotCoverTheRowsAreRefused()
    {
        using var csv = File(labels: false);
        var table = CsvTable.Load(csv.Path);
        var e = Assert.Throws<ArgumentException>(() => table.MoveNumbersInParts([0, 1], [new double[30, 2], new double[10, 2]]));
        Assert.Equal("parts", e.ParamName);
        Assert.Contains("expected 50 rows in all", e.Message);
        Assert.Equal(Cell(7, 1), table.Numbers(1)[7]);  // nothing was moved
    }

    [Fact]
    public void ShuffledLadderFitsTheGlmOnTheShuffledLeadingRows()
    {
        // Keras's validation_split after the ladder's --shuffle: System.Random(seed) shuffles the row numbers, the
        // first floor(0.8 n) are the training rows. Independent reference: least squares (MathNet's QR) on them,
        // scored by mean squared error on the rest.
        var path = Cli.Fixture("ladder.csv");
        var run = Cli.Run("ladder", path, "--target", "y", "--hidden", "4", "--epochs", "2", "--shuffle", "--seed", "7");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var (a, y) = GlmCommandTests.ReadColumns(path, "a", "y");
        var (b, _) = GlmCommandTests.ReadColumns(path, "b", "y");
        var order = Enumerable.Range(0, y.Length).ToArray();
        new System.Random(7).Shuffle(order);
        var split = (int)Math.Floor(y.Length * 0.8);
        var design = Matrix<double>.Build.Dense(split, 3, (i, j) => j == 0 ? 1 : j == 1 ? a[order[i]] : b[order[i]]);
        var beta = design.QR().Solve(Vector<double>.Build.Dense(order[..split].Select(r => y[r]).ToArray()));
        var mse = order[split..].Average(r => Math.Pow(y[r] - (beta[0] + beta[1] * a[r] + beta[2] * b[r]), 2));

        var glm = run.Stdout.Split('\n').First(l => l.StartsWith("| GLM")).Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal(mse, double.Parse(glm[4], CultureInfo.InvariantCulture), 5);
        var weights = glm[5].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.InRange(weights[0] - beta[1], -6e-5, 6e-5);
        Assert.InRange(weights[1] - beta[2], -6e-5, 6e-5);
        Assert.InRange(double.Parse(glm[6], CultureInfo.InvariantCulture) - beta[0], -6e-5, 6e-5);
    }
}
