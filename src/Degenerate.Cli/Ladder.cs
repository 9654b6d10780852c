using System.Globalization;
using Degenerate.Activations;
using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Statistics;
using Degenerate.Tensors;

namespace Degenerate.Cli;

/// <summary>
/// The ladder from the balloon article: the GLM (a degenerate, one-layer network fitted by maximum likelihood), the
/// same one-layer network trained by Adam, and a network with hidden layers, all on the same training rows and all
/// scored with the same loss on the same validation rows.
/// </summary>
internal static class Ladder
{
    public static IReadOnlyList<LadderRung> Run(ModelSpec spec, LadderSettings settings)
    {
        var head = OutputHead.For(spec.Family, spec.Link, spec.Data.ClassNames?.Count);
        var (train, validation) = Split(spec.Data, settings);
        // The parsed rows are garbage now (the split holds each row once): return them to the system before libtorch
        // allocates, which the GC cannot see, so the two never add up.
        LadderMemory.Release();
        var inputs = spec.Data.Features.Count;
        CheckNetworkFits(inputs, head.Units, settings);
        // Every rung reads the same rows: tensors over the arrays themselves (no copy where the engine can view host
        // memory), so the networks' Fit and Evaluate do not each convert them again.
        var (trainX, trainPin) = GlmInput.View(train.X, Device.CPU);
        var (validationX, validationPin) = GlmInput.View(validation.X, Device.CPU);
        try
        {
            return Rungs(spec, settings, head, new Rows(train, trainX), new Rows(validation, validationX));
        }
        finally
        {
            trainX.Dispose();
            validationX.Dispose();
            if (trainPin.IsAllocated) trainPin.Free();
            if (validationPin.IsAllocated) validationPin.Free();
        }
    }

    // A part of the split: its numbers, and its features as a tensor that shares them where it can.
    private readonly record struct Rows(Dataset Data, Tensor X);

    private static List<LadderRung> Rungs(ModelSpec spec, LadderSettings settings, OutputHead head, Rows train, Rows validation)
    {
        var inputs = spec.Data.Features.Count;
        var rungs = new List<LadderRung>();

        rungs.Add(GlmRung(spec, head, train, validation));
        // The fit's per-row vectors (managed, and libtorch's freed temporaries) are garbage now: give them back before
        // the networks allocate, rather than let the process keep both.
        LadderMemory.Release();

        // Rung 2: the same one-layer network trained as a network.
        Degenerate.Random.Seed((ulong)settings.Seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var single = OneLayer(head, inputs))
        {
            var (epochs, loss) = Train(single, train, validation, head, settings);
            using var noGrad = Autograd.NoGrad();
            var weights = single.GetWeights();
            var k = weights[0].ToArray2D<double>();
            var b = weights[1].ToArray<double>();
            foreach (var t in weights) t.Dispose();
            var (wi, bi) = head.Identify(k, b);
            rungs.Add(new LadderRung(Describe([], head), $"Adam({settings.LearningRate:G3}), early stopping", epochs, loss, wi, bi, single.ParamCount, [], clock.Elapsed.TotalSeconds));
        }

        LadderMemory.Release();

        // Rung 3: a network with hidden layers.
        Degenerate.Random.Seed((ulong)settings.Seed);
        clock.Restart();
        var layers = new List<Layer>();
        for (var i = 0; i < settings.Hidden.Length; i++)
            layers.Add(i == 0 ? new Dense(settings.Hidden[i], "relu", inputDim: inputs) : new Dense(settings.Hidden[i], "relu"));
        layers.Add(new Dense(head.Units, head.Activation));
        using (var network = new Sequential(layers.ToArray()) { DType = DType.Float64 })
        {
            var (epochs, loss) = Train(network, train, validation, head, settings);
            rungs.Add(new LadderRung(Describe(settings.Hidden, head), $"Adam({settings.LearningRate:G3}), early stopping", epochs, loss, null, null, network.ParamCount, [], clock.Elapsed.TotalSeconds));
        }
        return rungs;
    }

    private static (Dataset Train, Dataset Validation) Split(Dataset data, LadderSettings settings)
    {
        var order = Enumerable.Range(0, data.Rows).ToArray();
        if (settings.Shuffle) new System.Random(settings.Seed).Shuffle(order);
        // Keras's validation_split: the last rows are held out, split at floor(n·(1 − fraction)).
        var splitAt = (int)Math.Floor(data.Rows * (1 - settings.ValidationSplit));
        var minimum = data.Features.Count + 1;
        if (splitAt < minimum || splitAt >= data.Rows)
            throw new UsageException(
                $"--validation-split {settings.ValidationSplit:G} of {data.Rows} rows leaves {splitAt} training and {data.Rows - splitAt} " +
                $"validation rows; need at least {minimum} training rows (features + 1) and 1 validation row");
        return data.SplitOff(order, splitAt);
    }

    // Rung 1: the GLM. Its coefficients become the weights of a Dense layer so that it is scored by the very same loss
    // code as the networks.
    private static LadderRung GlmRung(ModelSpec spec, OutputHead head, Rows train, Rows validation)
    {
        var inputs = spec.Data.Features.Count;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var glm = Glm.Fit(train.Data.X, train.Data.Y, spec.Family, head.Link, new GlmOptions
        {
            FeatureNames = spec.Data.Features.ToArray(),
            ClassNames = spec.Data.ClassNames?.ToArray(),
        });
        var glmSeconds = clock.Elapsed.TotalSeconds;
        var (kernel, bias) = GlmLayout.ToDense(glm, inputs, head.Units);
        using (var asLayer = OneLayer(head, inputs))
        {
            asLayer.SetWeights([kernel, bias]);
            asLayer.Compile(new SGD(), head.Loss());
            var loss = asLayer.Evaluate(validation.X, Targets(validation, head))["loss"];
            var (w, b) = head.Identify(kernel, bias);
            return new LadderRung($"GLM ({Names.Lower(spec.Family)}, {Names.Lower(glm.Link)} link)",
                "Newton (maximum likelihood)", glm.Iterations, loss, w, b, asLayer.ParamCount, glm.Warnings, glmSeconds);
        }
    }

    private static Sequential OneLayer(OutputHead head, int inputs) =>
        new(new Dense(head.Units, head.Activation, inputDim: inputs)) { DType = DType.Float64 };

    private static Data Targets(Rows rows, OutputHead head) => head.ClassIndices ? rows.Data.ClassIndices : rows.Data.Y;

    private static (int Epochs, double ValidationLoss) Train(Sequential model, Rows train, Rows validation, OutputHead head, LadderSettings settings)
    {
        model.Compile(new Adam(settings.LearningRate), head.Loss());
        var stop = new EarlyStopping(monitor: "val_loss", patience: settings.Patience, minDelta: 1e-6, restoreBestWeights: true);
        var history = model.Fit(train.X, Targets(train, head), epochs: settings.Epochs, batchSize: settings.BatchSize,
            validationData: (validation.X, Targets(validation, head)), callbacks: [stop], verbose: 0);
        // The best epoch's weights are restored, so its val_loss is the model's.
        return (history.Count, history["val_loss"][stop.BestEpoch]);
    }

    // The hidden network must fit in memory: refuse it before any rung runs, with what it would need, rather than grow
    // until the system kills the process. Float64 weights, their gradients and Adam's three state slots per weight,
    // plus a batch's activations (forward and backward).
    internal static void CheckNetworkFits(int inputs, int outputs, LadderSettings settings)
    {
        double weights = 0, width = inputs;
        foreach (var h in settings.Hidden)
        {
            weights += (width + 1) * h;
            width = h;
        }
        weights += (width + 1) * outputs;
        var activations = (double)settings.BatchSize * (inputs + settings.Hidden.Sum(h => (double)h) + outputs);
        var bytes = 8 * (5 * weights + 3 * activations);
        var available = (double)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > 0.8 * available)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--hidden {string.Join(",", settings.Hidden)}: the network would have {weights:N0} weights and need about " +
                $"{bytes / (1L << 30):F1} GiB (weights, gradients, Adam's state and a batch's activations in float64), more than " +
                $"the {0.8 * available / (1L << 30):F1} GiB this machine can give it; choose smaller layers"));
    }

    private static string Describe(int[] hidden, OutputHead head) =>
        string.Join("-", hidden.Select(h => $"Dense({h} relu)").Append($"Dense({head.Units} {head.Activation.Name})"));

    public static void Print(TextWriter output, ModelSpec spec, LadderSettings settings, IReadOnlyList<LadderRung> rungs)
    {
        var data = spec.Data;
        var trainRows = (int)Math.Floor(data.Rows * (1 - settings.ValidationSplit));
        var head = OutputHead.For(spec.Family, spec.Link, data.ClassNames?.Count);
        output.WriteLine($"ladder: {data.Target} ~ {string.Join(" + ", data.Features)} ({Names.Lower(spec.Family)}) on '{spec.Path}'");
        output.WriteLine($"{trainRows} training rows, {data.Rows - trainRows} validation rows (the last {settings.ValidationSplit * 100:0.#}%" +
                         $"{(settings.Shuffle ? $" after shuffling with seed {settings.Seed}" : "")}); validation loss: {head.LossName}");
        if (data.ClassNames is { } classes)
            output.WriteLine($"classes: {string.Join(", ", classes)} (weights are relative to the reference class '{classes[0]}')");
        output.WriteLine();
        output.WriteLine($"| model | fitted by | iterations / epochs | val_loss | weights: {string.Join(", ", data.Features)} | bias | fit time |");
        output.WriteLine("|---|---|---:|---:|---|---|---:|");
        foreach (var r in rungs)
        {
            var weights = r.Weights is null ? $"({r.ParameterCount} weights, hidden layers)" : FormatWeights(r.Weights);
            var bias = r.Bias is null ? "" : string.Join("; ", r.Bias.Select(b => b.ToString("F4")));
            output.WriteLine($"| {r.Model} | {r.FittedBy} | {r.Steps} | {r.ValidationLoss:F6} | {weights} | {bias} | {r.Seconds:F2} s |");
        }
        output.WriteLine();
        foreach (var r in rungs)
            foreach (var warning in r.Warnings) output.WriteLine($"warning ({r.Model}): {warning}");
        var glm = rungs[0];
        var network = rungs[^1];
        var change = (network.ValidationLoss - glm.ValidationLoss) / Math.Abs(glm.ValidationLoss);
        // A tenth either way counts as "about the same": small validation sets are noisy.
        output.WriteLine(change switch
        {
            < -0.1 => $"The network's validation loss is {-change * 100:F1}% below the GLM's: the data hold structure that one layer cannot fit.",
            > 0.1 => $"The network's validation loss is {change * 100:F1}% above the GLM's: the hidden layers overfit or trained poorly; the GLM is the better model here.",
            _ => $"The network's validation loss is within {Math.Abs(change) * 100:F1}% of the GLM's: on these data the degenerate network does about as well.",
        });
    }

    private static string FormatWeights(double[,] weights)
    {
        var columns = Enumerable.Range(0, weights.GetLength(1))
            .Select(j => string.Join(", ", Enumerable.Range(0, weights.GetLength(0)).Select(i => weights[i, j].ToString("F4"))));
        return string.Join("; ", columns);
    }
}
