using Degenerate.Callbacks;
using Degenerate.Tensors;

namespace Degenerate.Models;

// Evaluate and Predict on arrays, and the evaluation loop Fit's validation shares.
public abstract partial class Model
{
    /// <summary>
    /// Loss and metrics on the given data, as Keras's <c>evaluate</c> with <c>return_dict=True</c>: keys "loss" and the
    /// metric names. The loss includes weight penalties, as in Keras. <paramref name="steps"/>: only the first that
    /// many batches. <paramref name="callbacks"/> get the test hooks (OnTestBegin, OnTestBatchBegin/End, OnTestEnd).
    /// </summary>
    public IReadOnlyDictionary<string, double> Evaluate(Data x, Data y, int batchSize = 32, Data? sampleWeight = null,
        IEnumerable<Callback>? callbacks = null, int? steps = null)
    {
        ThrowIfDisposed();
        EnsureCompiled("Evaluate");
        using var use = EnterReading("Evaluate");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be a positive integer");
        if (steps is <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be a positive number of batches (or null: all the data)");
        var data = PrepareData(x, y, sampleWeight, "x", "y", "sampleWeight");
        try
        {
            if (_distribution is { } dp && steps is null) return EvaluateDistributed(dp, data, batchSize);
            return RunEvaluation(ArrayBatches(data, batchSize, steps), Attach(callbacks), "x");
        }
        finally
        {
            foreach (var t in data.Owned()) t.Dispose();
        }
    }

    private List<Callback> Attach(IEnumerable<Callback>? callbacks)
    {
        var list = callbacks?.ToList() ?? [];
        foreach (var c in list) c.Model = this;
        return list;
    }

    // Loss and metrics over the batches (each disposed here), with the test hooks; also Fit's validation.
    private Dictionary<string, double> RunEvaluation(IEnumerable<Batches> batches, IReadOnlyList<Callback> callbacks, string argument)
    {
        foreach (var c in callbacks) c.OnTestBegin();
        Dictionary<string, double> results;
        using (var noGrad = Autograd.NoGrad())
        using (var tracker = new EpochTracker(this, Device))
        {
            var step = 0;
            foreach (var batch in batches)
            {
                try
                {
                    foreach (var c in callbacks) c.OnTestBatchBegin(step);
                    using var scope = new DisposeScope();
                    var (perSample, predictions) = ForwardLoss(batch.X, batch.Y, training: false, needPredictions: _metrics.Count > 0);
                    var loss = Losses.Loss.Reduce(perSample, batch.W);
                    tracker.Add(loss, batch.Rows, batch.Y, predictions, batch.W);
                    // The running mean loss and metric values, as Keras's test batch logs.
                    var logs = new BatchLogs(tracker.RunningLoss(), batch.Rows, _compiledMetrics.Count > 0 ? RunningMetricValues : null);
                    foreach (var c in callbacks) c.OnTestBatchEnd(step, logs);
                    logs.Close();
                }
                finally
                {
                    foreach (var t in batch.Owned()) t.Dispose();
                }
                step++;
            }
            if (step == 0) throw new ArgumentException($"{argument} gave no batches to evaluate", argument);
            results = tracker.Results(prefix: "");
        }
        using (var scope = new DisposeScope())
        {
            foreach (var layer in Layers)
                if (layer.RegularizationLoss() is { } penalty) results["loss"] += penalty.Item();
        }
        foreach (var c in callbacks) c.OnTestEnd(results);
        return results;
    }

    /// <summary>
    /// The model's outputs for <paramref name="x"/>, computed in batches without autograd, as Keras's <c>predict</c>.
    /// The result lives on the model's device; the caller owns it (<c>ToArray2D&lt;float&gt;()</c> copies it out).
    /// <paramref name="callbacks"/> get the predict hooks; one that overrides a per-batch hook makes Predict run batch
    /// by batch instead of in one fused call.
    /// </summary>
    public Tensor Predict(Data x, int batchSize = 32, IEnumerable<Callback>? callbacks = null)
    {
        ThrowIfDisposed();
        using var use = EnterReading("Predict");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be a positive integer");
        var hooks = Attach(callbacks);
        using var input = PrepareInputs(x, "x");
        using var noGrad = Autograd.NoGrad();
        if (_distribution is { } dp) return PredictDistributed(dp, input, batchSize);
        foreach (var c in hooks) c.OnPredictBegin();
        var perBatch = hooks.Any(c => c.Overrides(nameof(Callback.OnPredictBatchBegin)) || c.Overrides(nameof(Callback.OnPredictBatchEnd)));
        // Any number of rows goes through the plan: each row's output is then the same bit for bit whatever the batch
        // size or the rows predicted with it (the blocked kernel computes every row alike).
        if (!perBatch && TrainingPlan.Predict(this, input) is { } planned)
        {
            DisposeScope.Current?.Detach(planned);
            foreach (var c in hooks) c.OnPredictEnd();
            return planned;
        }
        var result = PredictBatches(SlicesOf(input, batchSize), hooks);
        foreach (var c in hooks) c.OnPredictEnd();
        return result;
    }

    private static IEnumerable<Tensor> SlicesOf(Tensor input, int batchSize)
    {
        var n = input.Size(0);
        if (n <= batchSize)
        {
            var whole = input.Slice(0, 0, n);
            DisposeScope.Current?.Detach(whole);
            yield return whole;
            yield break;
        }
        for (long start = 0; start < n; start += batchSize)
        {
            var slice = input.Slice(0, start, Math.Min(start + batchSize, n));
            DisposeScope.Current?.Detach(slice);
            yield return slice;
        }
    }

    // The outputs of each input batch (each disposed here), concatenated; predict-batch hooks around each.
    private Tensor PredictBatches(IEnumerable<Tensor> inputs, IReadOnlyList<Callback> callbacks)
    {
        var parts = new List<Tensor>();
        try
        {
            var step = 0;
            foreach (var input in inputs)
            {
                try
                {
                    foreach (var c in callbacks) c.OnPredictBatchBegin(step);
                    // The plan where it applies, so that every way of predicting gives the same numbers.
                    var part = TrainingPlan.Predict(this, input) ?? Call(input);
                    DisposeScope.Current?.Detach(part);
                    parts.Add(part);
                    foreach (var c in callbacks) c.OnPredictBatchEnd(step, part);
                }
                finally
                {
                    input.Dispose();
                }
                step++;
            }
            if (parts.Count == 0) throw new ArgumentException("x gave no batches to predict", "x");
            if (parts.Count == 1)
            {
                var only = parts[0];
                parts.Clear();
                return only;
            }
            var result = Tensor.Cat(parts, 0);
            DisposeScope.Current?.Detach(result);
            return result;
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }
}
