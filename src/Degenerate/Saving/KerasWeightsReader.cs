using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using PureHDF;
using PureHDF.VOL.Native;

namespace Degenerate.Saving;

/// <summary>
/// Reads a Keras 3 <c>.weights.h5</c> file (<see cref="KerasWeightsLayout"/>) into a Sequential of the same layers.
/// Everything is checked before any weight changes, so a bad file leaves the model as it was.
/// </summary>
internal static class KerasWeightsReader
{
    public static void Load(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        model.ThrowIfDisposed();
        if (!File.Exists(path)) throw new FileNotFoundException($"no weights file at '{path}'", path);
        Hdf5SoftLinkScan.ThrowIfSoftLinks(path);
        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception e) when (e is not (FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException))
        {
            throw new InvalidDataException($"'{path}' is not a readable HDF5 file ({e.GetType().Name}: {e.Message})", e);
        }
        using (file)
        {
            try
            {
                Read(model, file, path);
            }
            catch (Exception e) when (e is not (InvalidDataException or InvalidOperationException or ObjectDisposedException))
            {
                // PureHDF reports a damaged file with its own exceptions; the user needs the path and that it is the file.
                throw new InvalidDataException($"'{path}' could not be read as a Keras .weights.h5 file: {e.Message}", e);
            }
        }
    }

    private static void Read(Model model, NativeFile file, string path)
    {
        if (!file.LinkExists(KerasWeightsLayout.LayersGroup))
            throw new InvalidDataException(
                $"'{path}' has no '{KerasWeightsLayout.LayersGroup}' group: it is not a Keras 3 .weights.h5 file of a Sequential model " +
                $"(top-level entries: {Describe(file.Children().Select(c => c.Name))})");
        var layersGroup = file.Group(KerasWeightsLayout.LayersGroup);
        var inFile = layersGroup.Children().Select(c => c.Name).ToList();
        var saved = KerasWeightsLayout.SavedLayers(model);
        var expected = saved.Select(s => s.Group).ToList();
        if (inFile.Count != expected.Count)
            throw new InvalidDataException(
                $"'{path}' holds {inFile.Count} layer(s) ({Describe(inFile)}), but model '{model.Name}' has {expected.Count} " +
                $"({Describe(expected)})");
        var missing = expected.Where(n => !inFile.Contains(n)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"'{path}' holds layers {Describe(inFile)}, but model '{model.Name}' needs {Describe(expected)} " +
                $"(missing: {Describe(missing)}): the file's Sequential has other layer types or another order");

        var stored = new List<(string Where, Dataset Data)>[expected.Count];
        for (var i = 0; i < expected.Count; i++) stored[i] = Vars(layersGroup.Group(expected[i]), $"layers/{expected[i]}", path);

        if (!model.Built) BuildFromFile(model, saved, stored, path);
        using var scope = new DisposeScope();
        var tensors = new List<Tensor>();
        for (var i = 0; i < expected.Count; i++)
        {
            var layer = saved[i].Layer;
            var variables = KerasWeightsLayout.Variables(layer);
            if (stored[i].Count != variables.Count)
                throw new InvalidDataException(
                    $"'{path}': layers/{expected[i]}/vars holds {stored[i].Count} variable(s), but layer '{layer.Name}' " +
                    $"({layer.ClassName}) has {variables.Count} ({Describe(variables.Select(v => $"{v.Name} {v.Value.ShapeString}"))})");
            for (var k = 0; k < variables.Count; k++)
                tensors.Add(ToTensor(stored[i][k], variables[k].Value, $"layer '{layer.Name}' {variables[k].Name}", model, path));
        }
        var optimizerState = ReadOptimizer(model, file, path);
        model.SetWeights(tensors);
        optimizerState?.Invoke();
    }

    internal readonly record struct Dataset(IH5Dataset Value, long[] Shape);

    // The datasets "0".."n-1" of a saveable's vars group, in index order; anything else there is a damaged file.
    private static List<(string Where, Dataset Data)> Vars(IH5Group group, string where, string path)
    {
        if (!group.LinkExists(KerasWeightsLayout.VarsGroup))
            throw new InvalidDataException($"'{path}': {where} has no '{KerasWeightsLayout.VarsGroup}' group");
        var vars = group.Group(KerasWeightsLayout.VarsGroup);
        var entries = vars.Children().ToList();
        var result = new List<(string, Dataset)>(entries.Count);
        for (var k = 0; k < entries.Count; k++)
        {
            if (!vars.LinkExists(k.ToString()) || vars.Get(k.ToString()) is not IH5Dataset ds)
                throw new InvalidDataException(
                    $"'{path}': {where}/vars should hold datasets 0..{entries.Count - 1}, but holds {Describe(entries.Select(e => e.Name))}");
            result.Add(($"{where}/vars/{k}", new Dataset(ds, ds.Space.Dimensions.Select(d => (long)d).ToArray())));
        }
        return result;
    }

    // An unbuilt model learns its input width from the first stored variable: a Dense kernel [in, units], or the
    // per-feature vector of a normalization layer, when the layers before it keep the width.
    private static void BuildFromFile(Model model, IReadOnlyList<(Layer Layer, string Group)> saved,
        List<(string Where, Dataset Data)>[] stored, string path)
    {
        for (var i = 0; i < saved.Count; i++)
        {
            var shape = stored[i].Count > 0 ? stored[i][0].Data.Shape : null;
            if (saved[i].Layer is Dense && shape is { Length: 2 }
                || saved[i].Layer is BatchNormalization or LayerNormalization or Normalization && shape is { Length: 1 })
            {
                model.Build(shape![0]);
                return;
            }
            if (saved[i].Layer is not (Dropout or Activation or GaussianNoise or Flatten)) break;
        }
        throw new InvalidOperationException(
            $"model '{model.Name}' is not built and its input width cannot be read from '{path}': give the first layer an inputDim, or Build it first");
    }

    private static Tensor ToTensor((string Where, Dataset Data) entry, Tensor target, string what, Model model, string path)
    {
        var (where, data) = entry;
        if (!data.Shape.SequenceEqual(target.Shape))
            throw new InvalidDataException(
                $"'{path}': {where} has shape {Tensor.FormatShape(data.Shape)}, but {what} of model '{model.Name}' has shape {target.ShapeString}");
        var type = data.Value.Type;
        // Floats for weights; integers where Keras keeps a count (Normalization's int64 `count`).
        return (type.Class, type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => Tensor.FromArray(data.Value.Read<float[]>(), data.Shape, model.Device, model.DType),
            (H5DataTypeClass.FloatingPoint, 8) => Tensor.FromArray(data.Value.Read<double[]>(), data.Shape, model.Device, model.DType),
            (H5DataTypeClass.FixedPoint, 8) => Tensor.FromArray(data.Value.Read<long[]>().Select(v => (double)v).ToArray(), data.Shape, model.Device, model.DType),
            (H5DataTypeClass.FixedPoint, 4) => Tensor.FromArray(data.Value.Read<int[]>().Select(v => (double)v).ToArray(), data.Shape, model.Device, model.DType),
            _ => throw new InvalidDataException(
                $"'{path}': {where} holds {type.Class} values of {type.Size} bytes; a weight must be float32 or float64"),
        };
    }

    // Keras restores the optimizer's variables only when their number matches, and otherwise warns and skips them;
    // so does this. The returned action applies the state after the weights, once everything has been checked.
    private static Action? ReadOptimizer(Model model, NativeFile file, string path)
    {
        if (!file.LinkExists(KerasWeightsLayout.OptimizerGroup)) return null;
        var optimizer = model.Optimizer;
        if (optimizer is null || !model.IsCompiled || !optimizer.IsBuilt) return null;  // as Keras: nothing to restore into
        var stored = Vars(file.Group(KerasWeightsLayout.OptimizerGroup), KerasWeightsLayout.OptimizerGroup, path);
        var parameters = model.TrainableWeights;
        var order = KerasOptimizerLayout.SlotOrder(optimizer, parameters.Count);
        var scalars = KerasOptimizerLayout.HasLearningRateVariable(optimizer) ? 2 : 1;
        var uProduct = KerasOptimizerLayout.HasUProduct(optimizer) ? 1 : 0;
        if (order is null || stored.Count != scalars + order.Count + uProduct)
        {
            model.Logger?.LogWarning(
                "skipping the optimizer state in {Path}: it holds {Stored} variables, the {Optimizer} optimizer has {Expected}",
                path, stored.Count, optimizer.Name, order is null ? "an unmapped layout" : (scalars + order.Count + uProduct).ToString());
            return null;
        }
        var iterations = stored[0].Data.Value.Read<long>();
        double? learningRate = scalars == 2 ? ReadScalar(stored[1].Data) : null;
        double? product = null;
        if (uProduct == 1)
        {
            // Nadam's u_product is the one scalar among the slots: first (Keras 3.0–3.9) or last (3.10+). Weights are
            // never scalars, so its place tells the layouts apart.
            var first = stored[scalars].Data.Shape.Length == 0;
            var at = first ? scalars : stored.Count - 1;
            if (stored[at].Data.Shape.Length != 0)
                throw new InvalidDataException(
                    $"'{path}': Nadam's u_product should be a scalar at {stored[scalars].Where} (Keras 3.0–3.9) or {stored[^1].Where} (3.10+); " +
                    $"found shapes {Tensor.FormatShape(stored[scalars].Data.Shape)} and {Tensor.FormatShape(stored[^1].Data.Shape)}");
            product = ReadScalar(stored[at].Data);
            if (!(product > 0 && product <= 1))
                throw new InvalidDataException($"'{path}': Nadam's u_product at {stored[at].Where} is {product}; expected a value in (0, 1]");
            if (first) scalars++;
        }
        var slots = optimizer.StateSlots()!;
        var restored = new Tensor[slots.Length];
        for (var i = 0; i < slots.Length; i++) restored[i] = slots[i];  // slots Keras does not keep stay as they are
        for (var j = 0; j < order.Count; j++)
        {
            var (p, s) = order[j];
            var index = p * Tensors.Engines.EngineOptimizer.SlotsPerParameter + s;
            restored[index] = ToTensor(stored[scalars + j], slots[index], $"optimizer slot {s} of weight {p}", model, path);
        }
        return () =>
        {
            optimizer.RestoreState(iterations, restored.Select(t => t.Clone()).ToList());
            if (learningRate is { } lr) optimizer.LearningRate = lr;
            if (product is { } u && optimizer.State is PortableOptimizer portable) portable.NadamProduct = u;
        };
    }

    private static double ReadScalar(Dataset data) =>
        data.Value.Type.Size == 8 ? data.Value.Read<double>() : data.Value.Read<float>();

    private static string Describe(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
