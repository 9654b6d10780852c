using System.Globalization;
using Degenerate.Callbacks;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Models;

// Fit: the training loop (op by op, or one training plan per epoch) and the exact solvers' iterations.
public abstract partial class Model
{
    /// <summary>
    /// Trains the model, as Keras's <c>fit</c>. <paramref name="validationSplit"/> holds out the <em>last</em>
    /// fraction of rows (before any shuffling); <paramref name="validationData"/> overrides it. Losses are averaged
    /// over the batch with sample weights multiplied in (Keras's sum_over_batch_size). <paramref name="verbose"/>:
    /// 0 silent, 1 a progress bar (one line per epoch when output is not a terminal), 2 one line per epoch.
    /// <c>classWeight</c> is Keras's <c>class_weight</c>: each training row's weight is multiplied by the weight of its
    /// class (the integer label, the argmax of a one-hot row, or a single output's 0/1 label), and by its
    /// <c>sampleWeight</c> when both are given; classes left out weigh 1; validation rows are not class-weighted.
    /// </summary>
    /// <returns>The per-epoch figures ("loss", metrics and their "val_" counterparts).</returns>
    public History Fit(Data x, Data y, int epochs = 1, int batchSize = 32, double validationSplit = 0.0,
        (Data X, Data Y)? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, Data? sampleWeight = null, int initialEpoch = 0, IReadOnlyDictionary<int, double>? classWeight = null)
    {
        ThrowIfDisposed();
        EnsureCompiled("Fit");
        using var use = EnterTraining("Fit");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be >= 0");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be a positive integer");
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validationSplit must be in [0, 1)");
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose must be 0, 1 or 2");
        if (initialEpoch < 0) throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, "initialEpoch must be >= 0");

        var all = PrepareData(x, y, sampleWeight, "x", "y", "sampleWeight");
        var cleanup = new List<Tensor> { all.X, all.Y };
        if (all.W is not null) cleanup.Add(all.W);
        try
        {
            Batches train = all;
            Batches? validation = null;
            if (validationData is { } vd)
            {
                validation = PrepareData(vd.X, vd.Y, null, "validationData.X", "validationData.Y", null);
                cleanup.Add(validation.Value.X);
                cleanup.Add(validation.Value.Y);
            }
            else if (validationSplit > 0)
            {
                var n = all.Rows;
                var splitAt = (long)Math.Floor(n * (1 - validationSplit));
                if (splitAt <= 0 || splitAt >= n)
                    throw new ArgumentException(
                        $"validationSplit {validationSplit.ToString(CultureInfo.InvariantCulture)} of {n} rows leaves " +
                        $"{splitAt} training and {n - splitAt} validation rows; both must be non-empty", nameof(validationSplit));
                train = all.Rows2(0, splitAt);
                validation = all.Rows2(splitAt, n);
                cleanup.AddRange(train.Owned());
                cleanup.AddRange(validation.Value.Owned());
            }
            if (classWeight is not null)
            {
                var weights = ClassWeights(train.Y, classWeight, nameof(classWeight));
                if (train.W is { } w)
                {
                    var product = w * weights;
                    DisposeScope.Current?.Detach(product);
                    weights.Dispose();
                    weights = product;
                }
                cleanup.Add(weights);
                train = train with { W = weights };
            }
            return RunFit(train, validation, epochs, batchSize, shuffle, callbacks, verbose, initialEpoch);
        }
        finally
        {
            foreach (var t in cleanup) t.Dispose();
        }
    }

    private History RunFit(Batches train, Batches? validation, int epochs, int batchSize, bool shuffle,
        IEnumerable<Callback>? userCallbacks, int verbose, int initialEpoch)
    {
        if (!Optimizer!.IsBuilt) BuildOptimizer();
        else if (OptimizerWeightsAreStale)
            throw new InvalidOperationException(
                "a layer's Trainable changed after Compile: call Compile again so the optimizer trains exactly the " +
                $"trainable weights (now {TrainableWeights.Count} tensors, {TrainableParamCount} values)");
        if (Optimizer is FullBatchOptimizer)
        {
            // Exact solvers see the whole training set at once; each epoch is one solver iteration.
            batchSize = (int)Math.Min(int.MaxValue, train.Rows);
            shuffle = false;
        }
        var history = new History();
        var steps = (int)((train.Rows + batchSize - 1) / batchSize);
        var callbacks = new List<Callback>();
        using var tracker = new EpochTracker(this, Device);
        if (userCallbacks is not null) callbacks.AddRange(userCallbacks);
        // Last, as Keras appends it: the printed line then shows what callbacks added (e.g. learning_rate).
        var progbar = verbose > 0 ? new ProgbarLogger(verbose, epochs, steps, tracker) : null;
        if (progbar is not null) callbacks.Add(progbar);
        foreach (var c in callbacks) c.Model = this;
        // One native call per epoch where the model and callbacks allow it; the op-by-op loop otherwise.
        // The fused plan trains every weight on the raw targets: not for frozen layers or smoothed labels.
        var plan = Layers.Any(l => !l.Trainable) || Loss is Losses.BinaryCrossentropy { LabelSmoothing: > 0 } or Losses.CategoricalCrossentropy { LabelSmoothing: > 0 }
            ? null : TrainingPlan.ForTraining(this, callbacks);

        StopTraining = false;
        Dictionary<string, double> logs = new();
        foreach (var c in callbacks) c.OnTrainBegin();
        for (var epoch = initialEpoch; epoch < epochs; epoch++)
        {
            foreach (var c in callbacks) c.OnEpochBegin(epoch);
            tracker.Reset();
            using (var perm = shuffle ? Tensor.RandPerm(train.Rows, Device) : null)
            {
                DisposeScope.Current?.Detach(perm!);
                if (plan is not null)
                {
                    tracker.AddEpoch(plan.FitEpoch(Optimizer, train.X, train.Y, train.W, perm, batchSize), train.Rows);
                    progbar?.StepsCompleted(steps);
                }
                else for (var step = 0; step < steps; step++)
                {
                    var start = (long)step * batchSize;
                    var end = Math.Min(start + batchSize, train.Rows);
                    using var scope = new DisposeScope();
                    var batch = perm is null ? train.Rows2(start, end) : train.Gather(perm.Slice(0, start, end));
                    var loss = TrainStep(batch, tracker);
                    foreach (var c in callbacks) c.OnTrainBatchEnd(step, new BatchLogs(tracker.RunningLoss(), end - start));
                    if (StopTraining) break;
                }
            }
            logs = tracker.Results(prefix: "");
            if (validation is { } v)
                foreach (var (key, value) in EvaluateBatches(v, batchSize)) logs["val_" + key] = value;
            foreach (var c in callbacks) c.OnEpochEnd(epoch, logs);
            history.Record(epoch, logs);
            Logger?.LogInformation("Epoch {Epoch}/{Epochs}: {Figures}", epoch + 1, epochs, FormatLogs(logs));
            if (StopTraining) break;
        }
        foreach (var c in callbacks) c.OnTrainEnd(logs);
        return history;
    }

    internal static string FormatLogs(IReadOnlyDictionary<string, double> logs) =>
        string.Join(" - ", logs.Select(kv => $"{kv.Key}: {ProgbarLogger.FormatValue(kv.Value)}"));

    // One optimizer step on one batch; returns the batch loss (a scalar tensor owned by the caller's scope).
    private Tensor TrainStep(Batches batch, EpochTracker tracker)
    {
        if (Optimizer is FullBatchOptimizer solver) return SolverStep(solver, batch, tracker);
        var (perSample, predictions) = ForwardLoss(batch.X, batch.Y, training: true, needPredictions: _metrics.Count > 0);
        var loss = Losses.Loss.Reduce(perSample, batch.W);
        foreach (var layer in Layers)
        {
            var penalty = layer.RegularizationLoss();
            if (penalty is not null) loss = loss + penalty;
        }
        loss.Backward();
        Optimizer!.Step();
        tracker.Add(loss, batch.Rows, batch.Y, predictions, batch.W);
        return loss;
    }

    // One iteration of an exact solver; the loss it reports is the one at the start of the iteration (as for a
    // gradient step). Convergence ends Fit, logged.
    private Tensor SolverStep(FullBatchOptimizer solver, Batches batch, EpochTracker tracker)
    {
        Tensor? first = null, firstPredictions = null;
        var converged = solver.Iterate(() =>
        {
            var (perSample, predictions) = ForwardLoss(batch.X, batch.Y, training: true, needPredictions: _metrics.Count > 0);
            var loss = Losses.Loss.Reduce(perSample, batch.W);
            foreach (var layer in Layers)
            {
                var penalty = layer.RegularizationLoss();
                if (penalty is not null) loss = loss + penalty;
            }
            if (first is null)
            {
                first = loss.Detach();
                DisposeScope.Current?.Detach(first);
                if (predictions is not null)
                {
                    firstPredictions = predictions.Detach();
                    DisposeScope.Current?.Detach(firstPredictions);
                }
            }
            return loss;
        });
        DisposeScope.Current?.Register(first!);
        if (firstPredictions is not null) DisposeScope.Current?.Register(firstPredictions);
        tracker.Add(first!, batch.Rows, batch.Y, firstPredictions, batch.W);
        if (converged)
        {
            StopTraining = true;
            Logger?.LogInformation("{Solver} converged after {Iterations} iteration(s)", solver.Name, solver.Iterations);
        }
        return first!;
    }

    // Per-sample loss, through the final activation's logits form when the loss has one; predictions for metrics.
    private (Tensor PerSample, Tensor? Predictions) ForwardLoss(Tensor x, Tensor y, bool training, bool needPredictions)
    {
        var (pre, activation) = CallSplit(x, training);
        if (activation is null) return (Loss!.PerSample(y, pre), pre);
        var fromLogits = Loss!.PerSampleFromLogits(y, pre, activation);
        if (fromLogits is null)
        {
            var output = activation.Apply(pre);
            return (Loss.PerSample(y, output), output);
        }
        if (!needPredictions) return (fromLogits, null);
        using (Autograd.NoGrad()) return (fromLogits, activation.Apply(pre));
    }
}
