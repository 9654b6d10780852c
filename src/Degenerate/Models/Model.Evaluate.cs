using Degenerate.Tensors;

namespace Degenerate.Models;

// Evaluate and Predict.
public abstract partial class Model
{
    /// <summary>
    /// Loss and metrics on the given data, as Keras's <c>evaluate</c> with <c>return_dict=True</c>: keys "loss" and the
    /// metric names. The loss includes weight penalties, as in Keras.
    /// </summary>
    public IReadOnlyDictionary<string, double> Evaluate(Data x, Data y, int batchSize = 32, Data? sampleWeight = null)
    {
        ThrowIfDisposed();
        EnsureCompiled("Evaluate");
        using var use = EnterReading("Evaluate");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be a positive integer");
        var data = PrepareData(x, y, sampleWeight, "x", "y", "sampleWeight");
        try
        {
            return EvaluateBatches(data, batchSize);
        }
        finally
        {
            foreach (var t in data.Owned()) t.Dispose();
        }
    }

    private Dictionary<string, double> EvaluateBatches(Batches data, int batchSize)
    {
        using var noGrad = Autograd.NoGrad();
        using var tracker = new EpochTracker(this, Device);
        for (long start = 0; start < data.Rows; start += batchSize)
        {
            using var scope = new DisposeScope();
            var batch = data.Rows2(start, Math.Min(start + batchSize, data.Rows));
            var (perSample, predictions) = ForwardLoss(batch.X, batch.Y, training: false, needPredictions: _metrics.Count > 0);
            tracker.Add(Losses.Loss.Reduce(perSample, batch.W), batch.Rows, batch.Y, predictions, batch.W);
        }
        var results = tracker.Results(prefix: "");
        using (var scope = new DisposeScope())
        {
            foreach (var layer in Layers)
                if (layer.RegularizationLoss() is { } penalty) results["loss"] += penalty.Item();
        }
        return results;
    }

    /// <summary>
    /// The model's outputs for <paramref name="x"/>, computed in batches without autograd, as Keras's <c>predict</c>.
    /// The result lives on the model's device; the caller owns it (<c>ToArray2D&lt;float&gt;()</c> copies it out).
    /// </summary>
    public Tensor Predict(Data x, int batchSize = 32)
    {
        ThrowIfDisposed();
        using var use = EnterReading("Predict");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be a positive integer");
        using var input = PrepareInputs(x, "x");
        using var noGrad = Autograd.NoGrad();
        var n = input.Size(0);
        if (n > batchSize && TrainingPlan.Predict(this, input) is { } planned)
        {
            DisposeScope.Current?.Detach(planned);
            return planned;
        }
        if (n <= batchSize)
        {
            var single = Call(input);
            DisposeScope.Current?.Detach(single);
            return single;
        }
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < n; start += batchSize)
            {
                using var slice = input.Slice(0, start, Math.Min(start + batchSize, n));
                var part = Call(slice);
                DisposeScope.Current?.Detach(part);
                parts.Add(part);
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
