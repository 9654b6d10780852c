using Degenerate.Callbacks;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Models;

// The training loop shared by Fit on arrays and Fit on a sequence of batches: epochs, callbacks, validation, and per
// epoch either one fused training plan call or batches op by op.
public abstract partial class Model
{
    private History RunFit(EpochSource source, Func<IEnumerable<Batches>>? validate, FitSettings settings,
        IEnumerable<Callback>? userCallbacks)
    {
        if (_distribution is not null)
            throw new NotSupportedException("data-parallel Fit takes arrays (x, y): Fit on a sequence of batches does not shard them");
        if (!Optimizer!.IsBuilt) BuildOptimizer();
        else if (OptimizerWeightsAreStale)
            throw new InvalidOperationException(
                "a layer's Trainable changed after Compile: call Compile again so the optimizer trains exactly the " +
                $"trainable weights (now {TrainableWeights.Count} tensors, {TrainableParamCount} values)");
        var history = new History();
        var callbacks = new List<Callback>();
        using var tracker = new EpochTracker(this, Device);
        if (userCallbacks is not null) callbacks.AddRange(userCallbacks);
        // Last, as Keras appends it: the printed line then shows what callbacks added (e.g. learning_rate).
        var progbar = settings.Verbose > 0 ? new ProgbarLogger(settings.Verbose, settings.Epochs, source.Steps ?? 0, tracker) : null;
        if (progbar is not null) callbacks.Add(progbar);
        foreach (var c in callbacks) c.Model = this;
        // One native call per epoch (per batch for a sequence) where the model and callbacks allow it; the op-by-op
        // loop otherwise. The fused plan trains every weight on the raw targets: not for frozen layers or smoothed labels.
        var plan = Layers.Any(l => !l.Trainable) || Loss is Losses.BinaryCrossentropy { LabelSmoothing: > 0 } or Losses.CategoricalCrossentropy { LabelSmoothing: > 0 }
            ? null : TrainingPlan.ForTraining(this, callbacks);

        StopTraining = false;
        ResumeEpoch = null;
        Dictionary<string, double> logs = new();
        foreach (var c in callbacks) c.OnTrainBegin();
        // A callback (BackupAndRestore) may resume an interrupted run at a later epoch.
        var initialEpoch = ResumeEpoch ?? settings.InitialEpoch;
        ResumeEpoch = null;
        for (var epoch = initialEpoch; epoch < settings.Epochs; epoch++)
        {
            foreach (var c in callbacks) c.OnEpochBegin(epoch);
            tracker.Reset();
            if (plan is not null && source is ArrayEpochs arrays) RunPlannedEpoch(plan, arrays, tracker, progbar);
            else RunBatches(source, plan, callbacks, tracker, progbar);
            if (source.RanOut)
            {
                var warning = $"Fit: the data ran out after {source.LastSteps} of the {source.Steps} batches of epoch {epoch + 1} " +
                    "(stepsPerEpoch); the next epoch starts a new pass. Give at least stepsPerEpoch × epochs batches to avoid it";
                Console.Error.WriteLine(warning);
                Logger?.LogWarning(warning);
            }
            logs = tracker.Results(prefix: "");
            if (validate is not null && (epoch + 1) % settings.ValidationFreq == 0)
                foreach (var (key, value) in RunEvaluation(validate(), callbacks, "validationData")) logs["val_" + key] = value;
            foreach (var c in callbacks) c.OnEpochEnd(epoch, logs);
            history.Record(epoch, logs);
            Logger?.LogInformation("Epoch {Epoch}/{Epochs}: {Figures}", epoch + 1, settings.Epochs, FormatLogs(logs));
            if (StopTraining) break;
        }
        foreach (var c in callbacks) c.OnTrainEnd(logs);
        return history;
    }

    // A whole epoch of array rows in one fused call.
    private void RunPlannedEpoch(TrainingPlan plan, ArrayEpochs arrays, EpochTracker tracker, ProgbarLogger? progbar)
    {
        var (rows, order, steps) = arrays.NextEpochRows();
        try
        {
            plan.TrainEpoch(this, rows.X, rows.Y, rows.W, order, arrays.BatchSize, tracker);
            progbar?.StepsCompleted(steps);
        }
        finally
        {
            order?.Dispose();
            if (rows.owned) foreach (var t in rows.Owned()) t.Dispose();
        }
    }

    // One epoch batch by batch: op by op with every per-batch hook, or (a sequence with a plan) one fused call a batch.
    private void RunBatches(EpochSource source, TrainingPlan? plan, List<Callback> callbacks, EpochTracker tracker, ProgbarLogger? progbar)
    {
        var step = 0;
        foreach (var batch in source.NextEpoch())
        {
            try
            {
                foreach (var c in callbacks) c.OnTrainBatchBegin(step);
                using var scope = new DisposeScope();
                if (plan is not null)
                {
                    plan.TrainEpoch(this, batch.X, batch.Y, batch.W, null, (int)batch.Rows, tracker);
                    progbar?.StepsCompleted(step + 1);
                }
                else
                {
                    var loss = TrainStep(batch, tracker);
                    // Keras passes the epoch's running mean to on_train_batch_end, not the batch's own loss.
                    // Keras's batch logs also carry every compiled metric's running value (read only if asked for).
                    var batchLogs = new BatchLogs(tracker.RunningLoss(), batch.Rows, _compiledMetrics.Count > 0 ? RunningMetricValues : null);
                    foreach (var c in callbacks) c.OnTrainBatchEnd(step, batchLogs);
                    batchLogs.Close();
                }
            }
            finally
            {
                foreach (var t in batch.Owned()) t.Dispose();
            }
            step++;
            if (StopTraining) break;
        }
        source.LastSteps = step;
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
        else if (solver.Stalled is { } stalled)
        {
            StopTraining = true;
            Console.Error.WriteLine(stalled);
            Logger?.LogWarning(stalled);
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
