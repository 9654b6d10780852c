using System.Globalization;
using Degenerate.Tensors;

namespace Degenerate.Models;

// Turning user data into tensors on the model's device, with the checks that name the bad argument.
public abstract partial class Model
{
    private Tensor PrepareInputs(Data x, string argument)
    {
        if (x.IsEmpty) throw new ArgumentException($"{argument} is empty", argument);
        if (x.Rows == 0) throw new ArgumentException($"{argument} has no rows: shape {x.ShapeString}", argument);
        var t = x.ToTensor(DType, Device, asMatrix: true);
        try
        {
            var width = t.Size(1);
            if (InputDim is { } expected && expected != width)
                throw new ArgumentException(
                    $"{argument} has shape {t.ShapeString}: {width} feature column(s), but the model's first layer expects {expected} (input width {expected})",
                    argument);
            if (!Built) Build(width);
            CheckFinite(t, argument);
            return t;
        }
        catch
        {
            t.Dispose();
            throw;
        }
    }

    private Batches PrepareData(Data x, Data y, Data? sampleWeight, string xName, string yName, string? wName)
    {
        if (y.IsEmpty) throw new ArgumentException($"{yName} is empty", yName);
        if (!x.IsEmpty && x.Rows != y.Rows)
            throw new ArgumentException(
                $"{xName} has {x.Rows} rows (shape {x.ShapeString}) but {yName} has {y.Rows} rows (shape {y.ShapeString}); they must match",
                xName);
        if (sampleWeight is { } sw && sw.Rows != y.Rows)
            throw new ArgumentException(
                $"{wName} has {sw.Rows} entries but {yName} has {y.Rows} rows; they must match", wName);
        var xt = PrepareInputs(x, xName);
        Tensor? yt = null, wt = null;
        try
        {
            var outputs = OutputDim;
            if (Loss!.TakesClassIndices)
            {
                if (!y.IsInteger)
                    throw new ArgumentException(
                        $"{yName} holds floating-point values but {Loss.Name} takes integer class labels: pass int[] (or an int64 tensor)", yName);
                yt = y.ToTensor(DType.Int64, Device, asMatrix: false);
                if (yt.Rank == 2 && yt.Size(1) == 1)
                {
                    var flat = yt.Reshape(-1);
                    DisposeScope.Current?.Detach(flat);
                    yt.Dispose();
                    yt = flat;
                }
            }
            else
            {
                yt = y.ToTensor(DType, Device, asMatrix: true);
                CheckFinite(yt, yName);
            }
            Loss.ValidateTargets(yt, outputs, yName);
            if (sampleWeight is { } s)
            {
                wt = s.ToTensor(DType, Device, asMatrix: false);
                // One weight per sample, on every training path: [n] or [n, 1], nothing that merely has n rows.
                if (wt.Rank > 2 || (wt.Rank == 2 && wt.Size(1) != 1))
                    throw new ArgumentException(
                        $"{wName} has shape {wt.ShapeString}; expected one weight per sample: shape [{y.Rows}] or [{y.Rows}, 1]", wName);
                if (wt.Rank != 1)
                {
                    var flat = wt.Reshape(-1);
                    DisposeScope.Current?.Detach(flat);
                    wt.Dispose();
                    wt = flat;
                }
                CheckFinite(wt, wName!);
                using var min = wt.Min();
                if (min.Item() < 0)
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{wName} holds negative weights (minimum {min.Item()})"), wName);
            }
            return new Batches(xt, yt, wt, owned: true);
        }
        catch
        {
            xt.Dispose();
            yt?.Dispose();
            wt?.Dispose();
            throw;
        }
    }

    // Keras's class_weight as per-row weights: the class of a row is its integer label, the argmax of a one-hot row,
    // or a single output's rounded 0/1 label; a class missing from the map weighs 1.
    private Tensor ClassWeights(Tensor y, IReadOnlyDictionary<int, double> classWeight, string argument)
    {
        var outputs = OutputDim;
        var classes = outputs == 1 ? 2 : outputs;
        foreach (var (cls, weight) in classWeight)
        {
            if (cls < 0 || cls >= classes)
                throw new ArgumentException(
                    $"{argument} has class {cls}, but the model's {outputs} output(s) give classes 0 to {classes - 1}", argument);
            if (!double.IsFinite(weight) || weight < 0)
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{argument}[{cls}] is {weight}; class weights must be finite and >= 0"), argument);
        }
        long[] labels;
        if (y.DType == DType.Int64) labels = y.ToArray<long>();
        else if (y.Rank == 2 && y.Size(1) > 1)
        {
            using var arg = y.ArgMax(1);
            labels = arg.ToArray<long>();
        }
        else labels = y.ToArray<double>().Select(v => (long)Math.Round(v)).ToArray();
        var rows = labels.Select(l => l >= 0 && l < classes && classWeight.TryGetValue((int)l, out var cw) ? cw : 1.0).ToArray();
        var t = Tensor.FromArray(rows, Device, DType);
        DisposeScope.Current?.Detach(t);
        return t;
    }

    private static void CheckFinite(Tensor t, string argument)
    {
        if (t.AllFinite()) return;
        using var scope = new DisposeScope();
        var flat = t.Reshape(-1);
        var bad = flat.IsFinite().LogicalNot().To(DType.Float32);
        var index = (long)bad.ArgMax(0).Item();
        var value = flat.Slice(0, index, index + 1).Item();
        var where = t.Rank == 2 ? $"row {index / t.Size(1)}, column {index % t.Size(1)}" : $"row {index}";
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{argument} contains NaN or infinite values (first: {value} at {where})"), argument);
    }


    // A set of rows: inputs, targets and optional sample weights, all on the model's device.
    private readonly record struct Batches(Tensor X, Tensor Y, Tensor? W, bool owned)
    {
        public long Rows => X.Size(0);

        public Batches Rows2(long start, long end) =>
            new(X.Slice(0, start, end), Y.Slice(0, start, end), W?.Slice(0, start, end), owned: true);

        public Batches Gather(Tensor index) =>
            new(X.IndexSelect(0, index), Y.IndexSelect(0, index), W?.IndexSelect(0, index), owned: true);

        public IEnumerable<Tensor> Owned() => W is null ? [X, Y] : [X, Y, W];
    }
}
