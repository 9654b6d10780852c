using Degenerate.Callbacks;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Models;

// Fit, Evaluate and Predict over a sequence of batches (Keras's fit(dataset)): data larger than memory, read lazily.
public abstract partial class Model
{
    /// <summary>
    /// Trains on a sequence of batches, as Keras's <c>fit(dataset)</c>: each batch is copied to the device, trained on
    /// and released, so memory holds one batch whatever the data's size (<see cref="CsvBatches"/> streams a CSV file).
    /// Without <paramref name="stepsPerEpoch"/> an epoch enumerates the whole sequence (afresh each epoch). With it an
    /// epoch takes that many batches and the next epoch continues the same enumeration (an endless sequence needs
    /// it); when the sequence ends inside an epoch, the epoch ends there with a warning and the next one enumerates it
    /// again. <paramref name="validationData"/> is enumerated afresh at each validation, the first
    /// <paramref name="validationSteps"/> batches of it when given. Exact solvers (Newton, LBFGS) need arrays.
    /// </summary>
    public History Fit(IEnumerable<Batch> data, int epochs = 1, int? stepsPerEpoch = null,
        IEnumerable<Batch>? validationData = null, int? validationSteps = null, int validationFreq = 1,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0,
        IReadOnlyDictionary<int, double>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ThrowIfDisposed();
        EnsureCompiled("Fit");
        using var use = EnterTraining("Fit");
        CheckFitOptions(epochs, verbose, initialEpoch, stepsPerEpoch, validationSteps, validationFreq);
        if (Optimizer is FullBatchOptimizer)
            throw new NotSupportedException(
                $"{Optimizer.Name} is an exact solver that needs the whole training set at once: pass arrays to Fit, not a sequence of batches");
        if (!Built) BuildFromFirstBatch(data);
        using var source = new SequenceEpochs(this, data, stepsPerEpoch, classWeight);
        Func<IEnumerable<Batches>>? validate = validationData is null ? null : () => PreparedBatches(validationData, validationSteps, "validationData");
        return RunFit(source, validate, new FitSettings(epochs, verbose, initialEpoch, validationFreq), callbacks);
    }

    /// <summary>
    /// Trains on an asynchronous sequence of batches (each batch awaited on the calling thread, which trains); otherwise as
    /// <see cref="Fit(IEnumerable{Batch}, int, int?, IEnumerable{Batch}?, int?, int, IEnumerable{Callback}?, int, int, IReadOnlyDictionary{int, double}?)"/>.
    /// </summary>
    public History Fit(IAsyncEnumerable<Batch> data, int epochs = 1, int? stepsPerEpoch = null,
        IAsyncEnumerable<Batch>? validationData = null, int? validationSteps = null, int validationFreq = 1,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0,
        IReadOnlyDictionary<int, double>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.ToBlockingEnumerable(), epochs, stepsPerEpoch, validationData?.ToBlockingEnumerable(), validationSteps,
            validationFreq, callbacks, verbose, initialEpoch, classWeight);
    }

    /// <summary>
    /// Loss and metrics over a sequence of batches (all of it, or its first <paramref name="steps"/> batches), as Keras's
    /// <c>evaluate(dataset)</c>; one batch in memory at a time.
    /// </summary>
    public IReadOnlyDictionary<string, double> Evaluate(IEnumerable<Batch> data, int? steps = null, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ThrowIfDisposed();
        EnsureCompiled("Evaluate");
        using var use = EnterReading("Evaluate");
        if (steps is <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be a positive number of batches (or null: all the data)");
        if (!Built) BuildFromFirstBatch(data);
        return RunEvaluation(PreparedBatches(data, steps, "data"), Attach(callbacks), "data");
    }

    /// <summary>Loss and metrics over an asynchronous sequence of batches; otherwise as <see cref="Evaluate(IEnumerable{Batch}, int?, IEnumerable{Callback}?)"/>.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(IAsyncEnumerable<Batch> data, int? steps = null, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Evaluate(data.ToBlockingEnumerable(), steps, callbacks);
    }

    /// <summary>
    /// The model's outputs for every batch of a sequence (its X; Y is ignored), concatenated, as Keras's
    /// <c>predict(dataset)</c>. Inputs are read one batch at a time; the outputs are kept (the caller owns the result).
    /// </summary>
    public Tensor Predict(IEnumerable<Batch> data, int? steps = null, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ThrowIfDisposed();
        using var use = EnterReading("Predict");
        if (steps is <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be a positive number of batches (or null: all the data)");
        var hooks = Attach(callbacks);
        using var noGrad = Autograd.NoGrad();
        foreach (var c in hooks) c.OnPredictBegin();
        var result = PredictBatches(PreparedInputs(data, steps), hooks);
        foreach (var c in hooks) c.OnPredictEnd();
        return result;
    }

    /// <summary>The outputs for an asynchronous sequence of batches; otherwise as <see cref="Predict(IEnumerable{Batch}, int?, IEnumerable{Callback}?)"/>.</summary>
    public Tensor Predict(IAsyncEnumerable<Batch> data, int? steps = null, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Predict(data.ToBlockingEnumerable(), steps, callbacks);
    }

    // The model's input width comes from the first batch when no layer declares it (Keras builds on the first batch).
    private void BuildFromFirstBatch(IEnumerable<Batch> data)
    {
        using var e = data.GetEnumerator();
        if (!e.MoveNext()) throw new ArgumentException("the data sequence yielded no batches", nameof(data));
        using var first = PrepareInputs(e.Current.X, "data batch 0 X");
    }

    private IEnumerable<Batches> PreparedBatches(IEnumerable<Batch> data, int? maxSteps, string argument)
    {
        var step = 0;
        foreach (var batch in data)
        {
            yield return PrepareBatch(batch, $"{argument} batch {step}", null);
            // Stop before reading a batch that would not be used.
            step++;
            if (maxSteps is { } m && step >= m) yield break;
        }
    }

    private IEnumerable<Tensor> PreparedInputs(IEnumerable<Batch> data, int? maxSteps)
    {
        var step = 0;
        foreach (var batch in data)
        {
            yield return PrepareInputs(batch.X, $"data batch {step} X");
            step++;
            if (maxSteps is { } m && step >= m) yield break;
        }
    }
}
