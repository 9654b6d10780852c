using System.Text.Json.Nodes;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Models;

/// <summary>
/// Rebuilds a <see cref="Sequential"/> from a checked file. The weight table is compared with the model the header
/// describes before any layer allocates a weight and before any weight is read, so a crafted layer size can neither
/// allocate gigabytes nor load bytes into the wrong weight.
/// </summary>
internal static class ModelFileLoader
{
    /// <summary>The checked <c>model</c> section: its layers are rebuilt from their configs but not yet built.</summary>
    internal sealed record ModelSection(string Name, DType DType, long? InputDim, List<Layer> Layers);

    /// <summary>
    /// Checks the <c>model</c> section and that the weight table holds the weights its layers will create. Both
    /// loaders call it, so a crafted input width or layer size is refused before anything allocates a weight.
    /// </summary>
    internal static ModelSection ParseModel(ModelFileReader reader)
    {
        var f = reader.Fields;
        var m = f.Object(reader.Header["model"], "model");
        var className = f.Text(m["class_name"], "model.class_name");
        if (className != nameof(Sequential))
            throw f.Bad($"model.class_name is '{className}'; this Degenerate loads Sequential models only");
        var name = f.OptionalText(m["name"], "model.name") ?? "sequential";
        var dtypeName = f.Text(m["dtype"], "model.dtype");
        var dtype = dtypeName switch
        {
            "float32" => DType.Float32,
            "float64" => DType.Float64,
            _ => throw f.Bad($"model.dtype is '{dtypeName}'; a model is float32 or float64"),
        };
        long? inputDim = m["input_dim"] is { } d ? f.Integer(d, "model.input_dim", 1) : null;
        if (inputDim is null && reader.Table.Count > 0) throw f.Bad("model.input_dim is missing but the file holds weights");
        var configs = f.Array(m["layers"], "model.layers");
        if (configs.Count == 0) throw f.Bad("model.layers is empty");
        var layers = new List<Layer>(configs.Count);
        for (var i = 0; i < configs.Count; i++)
        {
            var config = f.Object(configs[i], $"model.layers[{i}]");
            try
            {
                layers.Add(Layer.FromConfig(config));
            }
            catch (Exception e) when (ModelFileFields.IsConfigError(e))
            {
                throw f.Bad($"model.layers[{i}] is not a valid layer config: {e.Message}", e);
            }
        }
        // Before any Sequential exists: a first layer that declares its input width is built as soon as it is added.
        if (Planned(layers, inputDim, f) is { } planned) Compare(reader.Table, planned, dtype, f);
        return new ModelSection(name, dtype, inputDim, layers);
    }

    public static Sequential LoadSequential(string path, Device? device)
    {
        using var reader = ModelFileReader.Open(path);
        var f = reader.Fields;
        var (name, dtype, inputDim, layers) = ParseModel(reader);
        Sequential seq;
        try
        {
            seq = new Sequential(layers.ToArray()) { Name = name };
        }
        catch (Exception e) when (ModelFileFields.IsConfigError(e))
        {
            foreach (var layer in layers) layer.Dispose();
            throw f.Bad($"model.layers do not fit together: {e.Message}", e);
        }
        try
        {
            seq.DType = dtype;
            if (device is { } dev) seq.Device = dev;
            if (inputDim is { } dim)
            {
                try
                {
                    seq.Build(dim);
                }
                catch (Exception e) when (ModelFileFields.IsConfigError(e))
                {
                    throw f.Bad($"model.layers do not fit together for model.input_dim {dim}: {e.Message}", e);
                }
            }
            Compare(reader.Table, Built(seq), dtype, f);
            if (f.OptionalObject(reader.Header["compile"], "compile") is { } compile) Recompile(seq, compile, f);

            var weights = reader.ReadWeights();
            try
            {
                seq.SetWeights(weights);
            }
            finally
            {
                foreach (var w in weights) w.Dispose();
            }
            if (seq.IsCompiled) RestoreOptimizerState(seq, reader);
            return seq;
        }
        catch
        {
            seq.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads the weights of a file into an existing model (what <see cref="Model.LoadWeights"/> does), checking the
    /// weight table against the model's weights before reading any: a file for another architecture is an
    /// <see cref="ArgumentException"/> naming the entry, and the model keeps its weights.
    /// </summary>
    public static void LoadWeights(Model model, string path)
    {
        model.ThrowIfDisposed();
        using var reader = ModelFileReader.Open(path);
        var section = ParseModel(reader);
        foreach (var layer in section.Layers) layer.Dispose();
        if (!model.Built && section.InputDim is { } dim)
        {
            if (Planned(model.Layers.ToList(), dim, reader.Fields) is { } planned) CompareShapes(path, reader.Table, planned);
            model.Build(dim);
        }
        CompareShapes(path, reader.Table, model.Built ? Built(model) : []);
        var weights = reader.ReadWeights();
        try
        {
            model.SetWeights(weights);
        }
        finally
        {
            foreach (var w in weights) w.Dispose();
        }
    }

    /// <summary>
    /// The weights of a file and, for a compiled model, the optimizer's saved learning rate, step count and slots: what
    /// BackupAndRestore needs to resume a run exactly where the saved one stopped.
    /// </summary>
    public static void LoadTrainingState(Model model, string path)
    {
        LoadWeights(model, path);
        if (!model.IsCompiled) return;
        using var reader = ModelFileReader.Open(path);
        foreach (var layer in ParseModel(reader).Layers) layer.Dispose();
        var f = reader.Fields;
        if (f.OptionalObject(reader.Header["compile"], "compile") is { } compile
            && f.OptionalNumber(f.Object(compile["optimizer"], "compile.optimizer")["learning_rate"], "compile.optimizer.learning_rate") is { } rate
            && model.Optimizer!.LearningRateSchedule is null)
            model.Optimizer.LearningRate = rate;
        RestoreOptimizerState(model, reader);
    }

    private static void CompareShapes(string path, IReadOnlyList<ModelFileWeight> table, List<Expected> expected)
    {
        for (var i = 0; i < Math.Min(table.Count, expected.Count); i++)
        {
            if (!table[i].Shape.SequenceEqual(expected[i].Shape))
                throw new ArgumentException($"'{path}' does not fit this model: weights[{i}] ({table[i].Layer}/{table[i].Name}) has shape "
                    + $"{Tensor.FormatShape(table[i].Shape)}, the model's {expected[i].Layer}/{expected[i].Name} has {Tensor.FormatShape(expected[i].Shape)}", nameof(path));
        }
        if (table.Count != expected.Count)
            throw new ArgumentException($"'{path}' does not fit this model: it holds {table.Count} weights, the model has {expected.Count}", nameof(path));
    }

    private sealed record Expected(string Layer, string Name, long[] Shape);

    // The weights the layers will create, worked out from their configs without allocating anything. Only for the
    // layers whose weights are known here; with any other layer the comparison waits for the built model.
    private static List<Expected>? Planned(List<Layer> layers, long? inputDim, ModelFileFields f)
    {
        if (inputDim is not { } width) return null;
        var planned = new List<Expected>();
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (layer.InputDim is { } declared && declared != width)
                throw f.Bad($"model.layers[{i}].input_dim is {declared}, but its input is {width} wide");
            // Named as Sequential.Add names them: a saved file names every layer, a hand-written one may not.
            var name = layer.Name ?? (layers.Take(i).Count(l => l.BaseName == layer.BaseName) is var n && n > 0 ? $"{layer.BaseName}_{n}" : layer.BaseName);
            if (layer.PlannedWeights(width) is not { } own) return null;
            foreach (var (weight, shape) in own) planned.Add(new(name, weight, shape));
            width = layer.OutputDim(width);
        }
        return planned;
    }

    private static List<Expected> Built(Model model) => model.Layers
        .SelectMany(l => l.Weights.Select((w, i) => new Expected(l.Name!, l.WeightNames[i], w.Shape))).ToList();

    private static void Compare(IReadOnlyList<ModelFileWeight> table, List<Expected> expected, DType dtype, ModelFileFields f)
    {
        for (var i = 0; i < Math.Min(table.Count, expected.Count); i++)
        {
            var (t, e) = (table[i], expected[i]);
            if (t.Layer != e.Layer) throw f.Bad($"weights[{i}].layer is '{t.Layer}', but the model's weight {i} belongs to layer '{e.Layer}'");
            if (t.Name != e.Name) throw f.Bad($"weights[{i}].name is '{t.Name}', but weight {i} of the model is '{e.Layer}/{e.Name}'");
            if (!t.Shape.SequenceEqual(e.Shape))
                throw f.Bad($"weights[{i}].shape is {Tensor.FormatShape(t.Shape)}, but layer '{e.Layer}' needs {e.Name} of shape {Tensor.FormatShape(e.Shape)}");
            if (t.DType != dtype) throw f.Bad($"weights[{i}].dtype is {t.DType.Name()}, but model.dtype is {dtype.Name()}");
        }
        if (table.Count != expected.Count)
            throw f.Bad($"weights has {table.Count} entries, but the model has {expected.Count} weights");
    }

    // Version 2 files of compiled models: the step count and slots, so training resumes exactly where it stopped.
    private static void RestoreOptimizerState(Model seq, ModelFileReader reader)
    {
        var f = reader.Fields;
        if (reader.StateTable is not { } table) return;
        var state = f.Object(reader.Header["optimizer_state"], "optimizer_state");
        var iterations = f.Integer(state["iterations"], "optimizer_state.iterations", min: 0);
        var slots = reader.Read(table);
        try
        {
            seq.Optimizer!.RestoreState(iterations, slots);
        }
        catch (Exception e) when (ModelFileFields.IsConfigError(e))
        {
            throw f.Bad($"optimizer_state does not fit the model's optimizer: {e.Message}", e);
        }
        finally
        {
            foreach (var t in slots) t.Dispose();
        }
    }

    private static void Recompile(Model model, JsonObject c, ModelFileFields f)
    {
        var o = f.Object(c["optimizer"], "compile.optimizer");
        double Get(string key, double fallback) => f.OptionalNumber(o[key], $"compile.optimizer.{key}") ?? fallback;
        double? Opt(string key) => f.OptionalNumber(o[key], $"compile.optimizer.{key}");
        var optimizerName = f.Text(o["name"], "compile.optimizer.name");
        Optimizer optimizer;
        try
        {
            optimizer = optimizerName switch
            {
                "sgd" => new SGD(Get("learning_rate", 0.01), Get("momentum", 0), Get("nesterov", 0) != 0, Opt("clipnorm"), Opt("clipvalue"),
                    Opt("weight_decay"), Opt("global_clipnorm")),
                "adam" => new Adam(Get("learning_rate", 1e-3), Get("beta_1", 0.9), Get("beta_2", 0.999), Get("epsilon", 1e-7),
                    Get("amsgrad", 0) != 0, Opt("clipnorm"), Opt("clipvalue"), Opt("weight_decay"), Opt("global_clipnorm")),
                "adamw" => new AdamW(Get("learning_rate", 1e-3), Get("weight_decay", 0.004), Get("beta_1", 0.9), Get("beta_2", 0.999),
                    Get("epsilon", 1e-7), Get("amsgrad", 0) != 0, Opt("clipnorm"), Opt("clipvalue"), Opt("global_clipnorm")),
                "adamax" => new Adamax(Get("learning_rate", 1e-3), Get("beta_1", 0.9), Get("beta_2", 0.999), Get("epsilon", 1e-7),
                    Opt("clipnorm"), Opt("clipvalue"), Opt("weight_decay"), Opt("global_clipnorm")),
                "nadam" => new Nadam(Get("learning_rate", 1e-3), Get("beta_1", 0.9), Get("beta_2", 0.999), Get("epsilon", 1e-7),
                    Opt("clipnorm"), Opt("clipvalue"), Opt("weight_decay"), Opt("global_clipnorm")),
                "lion" => new Lion(Get("learning_rate", 1e-3), Get("beta_1", 0.9), Get("beta_2", 0.99),
                    Opt("clipnorm"), Opt("clipvalue"), Opt("weight_decay"), Opt("global_clipnorm")),
                "rmsprop" => new RMSprop(Get("learning_rate", 1e-3), Get("rho", 0.9), Get("momentum", 0), Get("epsilon", 1e-7),
                    Get("centered", 0) != 0, Opt("clipnorm"), Opt("clipvalue"), Opt("weight_decay"), Opt("global_clipnorm")),
                "adagrad" => new Adagrad(Get("learning_rate", 1e-3), Get("initial_accumulator_value", 0.1), Get("epsilon", 1e-7),
                    Opt("clipnorm"), Opt("clipvalue"), Opt("weight_decay"), Opt("global_clipnorm")),
                "newton" => new Newton(Get("tolerance", 1e-8), Get("ridge", 1e-10)),
                "lbfgs" => new LBFGS(Get("tolerance", 1e-10), checked((int)Get("history_size", 10))),
                _ => throw f.Bad($"compile.optimizer.name is '{optimizerName}'; known: sgd, adam, adamw, adamax, nadam, lion, rmsprop, adagrad, newton, lbfgs"),
            };
        }
        catch (Exception e) when (e is not InvalidDataException && ModelFileFields.IsConfigError(e))
        {
            throw f.Bad($"compile.optimizer is not a valid '{optimizerName}' config: {e.Message}", e);
        }
        if (f.OptionalObject(o["learning_rate_schedule"], "compile.optimizer.learning_rate_schedule") is { } schedule)
        {
            try
            {
                optimizer.LearningRateSchedule = Optimizers.Schedules.ScheduleConfig.Read(schedule, f);
            }
            catch
            {
                optimizer.Dispose();
                throw;
            }
        }

        var l = f.Object(c["loss"], "compile.loss");
        var lossName = f.Text(l["name"], "compile.loss.name");
        var fromLogits = f.OptionalBool(l["from_logits"], "compile.loss.from_logits") ?? false;
        var delta = f.OptionalNumber(l["delta"], "compile.loss.delta");
        var smoothing = f.OptionalNumber(l["label_smoothing"], "compile.loss.label_smoothing") ?? 0;
        var metricNodes = f.OptionalArray(c["metrics"], "compile.metrics");
        var weightedNodes = f.OptionalArray(c["weighted_metrics"], "compile.weighted_metrics");
        // Metric objects are saved as {"class_name", "config"} (Keras's form), names as strings.
        var objects = (metricNodes ?? []).Concat(weightedNodes ?? []).Any(m => m is JsonObject);
        var metrics = objects ? null : metricNodes?.Select((m, i) => f.Text(m, $"compile.metrics[{i}]")).ToList();
        var weightedMetrics = objects ? null : weightedNodes?.Select((m, i) => f.Text(m, $"compile.weighted_metrics[{i}]")).ToList();
        Loss loss;
        try
        {
            loss = lossName switch
            {
                "binary_crossentropy" => new BinaryCrossentropy(fromLogits, smoothing),
                "categorical_crossentropy" => new CategoricalCrossentropy(fromLogits, smoothing),
                "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(fromLogits),
                "huber" => new Huber(delta ?? 1.0),
                "negative_binomial" => new NegativeBinomial(f.OptionalNumber(l["alpha"], "compile.loss.alpha") ?? 1.0),
                "binary_focal_crossentropy" => new BinaryFocalCrossentropy(
                    f.OptionalBool(l["apply_class_balancing"], "compile.loss.apply_class_balancing") ?? false,
                    f.OptionalNumber(l["alpha"], "compile.loss.alpha") ?? 0.25,
                    f.OptionalNumber(l["gamma"], "compile.loss.gamma") ?? 2.0, fromLogits, smoothing),
                _ => Loss.Get(lossName),
            };
        }
        catch (Exception e) when (ModelFileFields.IsConfigError(e))
        {
            optimizer.Dispose();
            throw f.Bad($"compile.loss is not a valid loss: {e.Message}", e);
        }
        if (objects)
        {
            Metrics.Metric ObjectAt(JsonNode? node, string where)
            {
                try { return Metrics.MetricConfig.FromConfig(f.Object(node, where)); }
                catch (Exception e) when (ModelFileFields.IsConfigError(e) || e is FormatException or OverflowException)
                {
                    throw f.Bad($"{where} is not a valid metric: {e.Message}", e);
                }
            }
            model.Compile(optimizer, loss, (metricNodes ?? []).Select((m, i) => ObjectAt(m, $"compile.metrics[{i}]")).ToList(),
                (weightedNodes ?? []).Select((m, i) => ObjectAt(m, $"compile.weighted_metrics[{i}]")).ToList());
            return;
        }
        try
        {
            model.Compile(optimizer, loss, metrics, weightedMetrics);
        }
        catch (Exception e) when (ModelFileFields.IsConfigError(e))
        {
            throw f.Bad($"compile.metrics {string.Join(", ", metrics ?? [])} do not fit the model: {e.Message}", e);
        }
    }
}
