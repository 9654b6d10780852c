using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using PureHDF;

namespace Degenerate.Saving;

/// <summary>
/// Writes a model's weights as Keras 3's <c>model.save_weights("….weights.h5")</c> does (see
/// <see cref="KerasWeightsLayout"/>), so that Keras's <c>load_weights</c> reads them into the same Sequential.
/// </summary>
internal static class KerasWeightsWriter
{
    public static void Save(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        model.ThrowIfDisposed();
        if (!model.Built)
            throw new InvalidOperationException(
                $"cannot save the weights of model '{model.Name}' to '{path}': it is not built (give the first layer an inputDim, or Fit/Build it first)");

        var file = new H5File { [KerasWeightsLayout.VarsGroup] = new H5Group() };  // the model's own, empty, variables
        var layers = new H5Group();
        foreach (var (layer, group) in KerasWeightsLayout.SavedLayers(model))
        {
            var vars = new H5Group();
            var variables = KerasWeightsLayout.Variables(layer);
            for (var k = 0; k < variables.Count; k++)
                vars[k.ToString()] = KerasVariableTypes.IsInteger(layer, variables[k].Name)
                    ? new H5Dataset((long)Math.Round(variables[k].Value.ToArray<double>()[0]))
                    : Dataset(variables[k].Value);
            layers[group] = new H5Group { [KerasWeightsLayout.VarsGroup] = vars };
        }
        file[KerasWeightsLayout.LayersGroup] = layers;
        if (OptimizerVars(model) is { } optimizer)
            file[KerasWeightsLayout.OptimizerGroup] = new H5Group { [KerasWeightsLayout.VarsGroup] = optimizer };

        // Written beside the target and renamed over it, so a failed save leaves an existing file intact.
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            file.Write(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            // The operating system names the temporary file; the user needs the path they gave, as Save says it.
            throw new UnauthorizedAccessException($"cannot save to '{path}': no permission to write it or to create files in folder '{dir}'; an existing file there is unchanged", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    // Keras's optimizer.variables: iterations, learning_rate, then the slots in the Keras optimizer's own order.
    private static H5Group? OptimizerVars(Model model)
    {
        var optimizer = model.Optimizer;
        if (optimizer is null || !model.IsCompiled) return null;
        using var scope = new DisposeScope();  // frees the slot handles StateSlots gives
        var slots = optimizer.StateSlots();
        var parameters = model.TrainableWeights.Count;
        var order = KerasOptimizerLayout.SlotOrder(optimizer, parameters);
        if (order is null)
        {
            model.Logger?.LogWarning(
                "the {Optimizer} optimizer's state is not written to the .weights.h5 file: its Keras variable layout is not mapped",
                optimizer.Name);
            return null;
        }
        var vars = new H5Group();
        var k = 0;
        vars[(k++).ToString()] = new H5Dataset(optimizer.Iterations);
        if (KerasOptimizerLayout.HasLearningRateVariable(optimizer))
            vars[(k++).ToString()] = new H5Dataset((float)optimizer.LearningRate);
        if (slots is null) return vars;  // compiled but never built: Keras's unbuilt optimizer has no slots either
        foreach (var (p, s) in order)
            vars[(k++).ToString()] = Dataset(slots[p * Tensors.Engines.EngineOptimizer.SlotsPerParameter + s]);
        if (KerasOptimizerLayout.HasUProduct(optimizer) && optimizer.State is PortableOptimizer portable)
            vars[(k++).ToString()] = model.DType == DType.Float64
                ? new H5Dataset(portable.NadamProduct)
                : new H5Dataset((float)portable.NadamProduct);  // Keras 3.10+: after the slots, in the weights' dtype
        return vars;
    }

    // float64 models keep float64 in the file (Keras writes each variable in its own dtype); everything else float32.
    private static H5Dataset Dataset(Tensor t)
    {
        var dims = t.Shape.Select(d => (ulong)d).ToArray();
        return t.DType == DType.Float64
            ? new H5Dataset(t.ToArray<double>(), fileDims: dims)
            : new H5Dataset(t.ToArray<float>(), fileDims: dims);
    }
}
