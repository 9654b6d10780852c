using System.Globalization;

namespace Degenerate.Cli;

/// <summary>
/// The numbers a model is fitted to, taken from a <see cref="CsvTable"/>: a feature matrix, and a target that is
/// either numeric or, for a categorical target, class indices with the class names in sorted order.
/// </summary>
public sealed class Dataset
{
    private double[,]? _x;
    private double[]? _y;
    // Deferred features (From's deferFeatures): the table that still holds them, and their columns there.
    private CsvTable? _table;
    private int[]? _featureColumns;

    private Dataset(string target, string[] features, double[,]? x, double[] y, string[]? classes)
    {
        Target = target;
        Features = features;
        _x = x;
        _y = y;
        Rows = y.Length;
        ClassNames = classes;
    }

    /// <summary>The target column's name.</summary>
    public string Target { get; }

    /// <summary>The feature columns' names, in the order of the columns of <see cref="X"/>.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Features, [rows, features].</summary>
    /// <exception cref="InvalidOperationException">The rows were handed over to a split.</exception>
    public double[,] X => _x ?? MoveFeatures();

    /// <summary>The target: its values, or class indices (0, 1, ...) for a categorical target.</summary>
    /// <exception cref="InvalidOperationException">The rows were handed over to a split.</exception>
    public double[] Y => _y ?? throw HandedOver();

    /// <summary>For a categorical target, the class labels by index (index 0 is the reference class); otherwise null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>The target as class indices (categorical targets only).</summary>
    public int[] ClassIndices => ClassNames is null
        ? throw new InvalidOperationException("the target is not categorical")
        : Y.Select(v => (int)v).ToArray();

    /// <summary>
    /// Picks the target and the features out of <paramref name="table"/>. <paramref name="features"/> is a
    /// comma-separated list of column names, or null for every column but the target. A categorical target may hold
    /// numbers or strings: its distinct labels are sorted (numerically when all are numbers, else ordinally) and
    /// numbered from 0. Throws <see cref="UsageException"/> for unknown or repeated columns, non-numeric cells and a
    /// constant target.
    /// </summary>
    /// <param name="table">The CSV file.</param>
    /// <param name="target">The target column's name.</param>
    /// <param name="features">Comma-separated feature names, or null for every other column.</param>
    /// <param name="categoricalTarget">Whether the target holds class labels.</param>
    /// <param name="targetDomain">For a numeric target, says what is wrong with a value the model cannot take (null when fine).</param>
    /// <param name="notFeatures">Columns that are not features by default (e.g. the cluster column of --groups).</param>
    /// <param name="consume">
    /// Hand the table's numbers over: each block of the target's and the features' numbers is released as soon as it
    /// is copied, and so are the columns nothing asked for (those in <paramref name="notFeatures"/> stay), so the table
    /// and the design are never both whole in memory. Those columns cannot be read from the table afterwards.
    /// </param>
    /// <param name="deferFeatures">
    /// With <paramref name="consume"/>: leave the features' numbers in the table (checked, not copied) until
    /// <see cref="X"/> is first read, or until a split moves them straight into its parts, so they are never in memory
    /// twice.
    /// </param>
    public static Dataset From(CsvTable table, string target, string? features, bool categoricalTarget,
        Func<double, string?>? targetDomain = null, IReadOnlyCollection<int>? notFeatures = null, bool consume = false,
        bool deferFeatures = false)
    {
        if (deferFeatures && !consume) throw new ArgumentException("deferFeatures hands the table over: it needs consume", nameof(deferFeatures));
        ArgumentNullException.ThrowIfNull(table);
        if (string.IsNullOrWhiteSpace(target)) throw new UsageException("--target: give the name of the column to model");
        var targetIndex = table.IndexOf(target, "--target");
        var featureIndices = ResolveFeatures(table, target, targetIndex, features, notFeatures ?? []);

        double[] y;
        string[]? classes = null;
        if (categoricalTarget) (y, classes) = Encode(table.Cells(targetIndex));
        else y = table.Numbers(targetIndex, targetDomain);
        CheckNotConstant(table, target, y, classes);

        if (consume)
        {
            var kept = notFeatures ?? [];
            for (var c = 0; c < table.Columns.Count; c++)
                if (!featureIndices.Contains(c) && !kept.Contains(c)) table.Release(c);  // the target (copied) and the unused
        }
        if (deferFeatures)
        {
            foreach (var c in featureIndices) table.CheckNumbers(c);  // a bad cell is reported now, as without deferral
            return new Dataset(target, featureIndices.Select(i => table.Columns[i]).ToArray(), null, y, classes)
            {
                _table = table,
                _featureColumns = featureIndices,
            };
        }
        var x = new double[table.RowCount, featureIndices.Length];
        if (consume)
        {
            table.MoveNumbers(featureIndices, x);
            // The released blocks are garbage now, but nothing else would collect them before the fit, whose memory is
            // libtorch's (invisible to the GC): return them to the system now, so the two never add up.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        else for (var j = 0; j < featureIndices.Length; j++) table.CopyNumbers(featureIndices[j], x, j);
        return new Dataset(target, featureIndices.Select(i => table.Columns[i]).ToArray(), x, y, classes);
    }

    private static int[] ResolveFeatures(CsvTable table, string target, int targetIndex, string? features, IReadOnlyCollection<int> notFeatures)
    {
        if (features is null)
        {
            var rest = Enumerable.Range(0, table.Columns.Count).Where(i => i != targetIndex && !notFeatures.Contains(i)).ToArray();
            if (rest.Length == 0)
                throw new UsageException($"'{table.Path}' has only the target column '{target}': there are no feature columns");
            return rest;
        }
        var names = features.Split(',').Select(n => n.Trim()).ToArray();
        if (names.Any(n => n.Length == 0))
            throw new UsageException($"--features: '{features}' has an empty name; give column names separated by commas, e.g. --features a,b");
        var indices = new List<int>();
        foreach (var name in names)
        {
            if (name == target) throw new UsageException($"--features: '{name}' is the target column; a feature cannot also be the target");
            var index = table.IndexOf(name, "--features");
            if (indices.Contains(index)) throw new UsageException($"--features: column '{name}' is listed twice");
            indices.Add(index);
        }
        return indices.ToArray();
    }

    // Class labels to indices in sorted order, so the first label is the reference class (statsmodels' MNLogit).
    private static (double[] Indices, string[] Classes) Encode(string[] cells)
    {
        var distinct = cells.Distinct(StringComparer.Ordinal).ToArray();
        var numeric = distinct.All(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var sorted = numeric
            ? distinct.OrderBy(c => double.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture)).ThenBy(c => c, StringComparer.Ordinal).ToArray()
            : distinct.OrderBy(c => c, StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < sorted.Length; i++) index[sorted[i]] = i;
        return (cells.Select(c => (double)index[c]).ToArray(), sorted);
    }

    private static void CheckNotConstant(CsvTable table, string target, double[] y, string[]? classes)
    {
        if (y.Any(v => v != y[0])) return;
        var value = classes is not null ? classes[0] : y[0].ToString("R", CultureInfo.InvariantCulture);
        throw new UsageException(
            $"target column '{target}' in '{table.Path}' is constant (all {y.Length} rows are {value}); a model needs at least two distinct values");
    }

    /// <summary>
    /// Splits the rows in two, <paramref name="order"/>[..<paramref name="splitAt"/>] and the rest, and hands them over:
    /// this dataset lets go of its numbers (its <see cref="X"/> and <see cref="Y"/> throw afterwards; the names and
    /// <see cref="Rows"/> stay), so the caller can return them to the system and hold each row once.
    /// </summary>
    internal (Dataset First, Dataset Second) SplitOff(int[] order, int splitAt)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Length != Rows)
            throw new ArgumentException($"order has {order.Length} row numbers but the dataset has {Rows} rows; give a permutation of all of them", nameof(order));
        ArgumentOutOfRangeException.ThrowIfNegative(splitAt);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(splitAt, Rows);
        (Dataset, Dataset) parts;
        if (_table is { } table && IsIdentity(order))
        {
            // Rows in file order (no shuffle): straight from the table into the parts, block by block.
            var y = Y;
            var (first, second) = (new double[splitAt, Features.Count], new double[Rows - splitAt, Features.Count]);
            table.MoveNumbersInParts(_featureColumns!, [first, second]);
            _table = null;
            parts = (new Dataset(Target, Features.ToArray(), first, y[..splitAt], ClassNames?.ToArray()),
                new Dataset(Target, Features.ToArray(), second, y[splitAt..], ClassNames?.ToArray()));
        }
        else parts = (Select(new ArraySegment<int>(order, 0, splitAt)), Select(new ArraySegment<int>(order, splitAt, Rows - splitAt)));
        _x = null;
        _y = null;
        return parts;
    }

    private static bool IsIdentity(int[] order)
    {
        for (var i = 0; i < order.Length; i++)
            if (order[i] != i) return false;
        return true;
    }

    // The deferred features, moved out of the table now; or, after a split, the error that says where they went.
    private double[,] MoveFeatures()
    {
        if (_table is not { } table) throw HandedOver();
        var x = new double[Rows, Features.Count];
        table.MoveNumbers(_featureColumns!, x);
        _table = null;
        _x = x;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);  // as From does after its move
        return x;
    }

    private InvalidOperationException HandedOver() =>
        new($"the {Rows} rows of '{Target}' were handed over to a train/validation split; read them from its parts");

    /// <summary>The rows in <paramref name="order"/> (a permutation or a subset of row numbers).</summary>
    public Dataset Select(IReadOnlyList<int> order)
    {
        var (source, target) = (X, Y);
        var x = new double[order.Count, Features.Count];
        var y = new double[order.Count];
        for (var i = 0; i < order.Count; i++)
        {
            for (var j = 0; j < Features.Count; j++) x[i, j] = source[order[i], j];
            y[i] = target[order[i]];
        }
        return new Dataset(Target, Features.ToArray(), x, y, ClassNames?.ToArray());
    }
}
