using System.Globalization;
using Degenerate.Callbacks;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Models;

// Fit on arrays: checks, the validation split, class weights; the epoch loop itself is in Model.FitLoop.cs.
public abstract partial class Model
{
    /// <summary>
    /// Trains the model, as Keras's <c>fit</c>. <paramref name="validationSplit"/> holds out the <em>last</em>
    /// fraction of rows (before any shuffling); <paramref name="validationData"/> overrides it and is (x, y) or
    /// (x, y, sampleWeight). Losses are averaged over the batch with sample weights multiplied in (Keras's
    /// sum_over_batch_size). <paramref name="verbose"/>: 0 silent, 1 a progress bar (one line per epoch when output is
    /// not a terminal), 2 one line per epoch.
    /// <c>classWeight</c> is Keras's <c>class_weight</c>: each training row's weight is multiplied by the weight of its
    /// class (the integer label, the argmax of a one-hot row, or a single output's 0/1 label), and by its
    /// <c>sampleWeight</c> when both are given; classes left out weigh 1; validation rows are not class-weighted.
    /// <paramref name="stepsPerEpoch"/> (Keras 3's <c>steps_per_epoch</c> for arrays): each epoch trains that many
    /// batches, continuing through the (shuffled) rows where the previous epoch stopped; when the rows run out inside
    /// an epoch, that epoch ends early with a warning and the next one starts a new pass. <paramref name="validationSteps"/>:
    /// validate on the first that many batches of the validation rows. <paramref name="validationFreq"/>: validate
    /// after every N-th epoch (1-based: epochs N, 2N, ...), as Keras's <c>validation_freq</c>.
    /// </summary>
    /// <returns>The per-epoch figures ("loss", metrics and their "val_" counterparts).</returns>
    public History Fit(Data x, Data y, int epochs = 1, int batchSize = 32, double validationSplit = 0.0,
        Batch? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, Data? sampleWeight = null, int initialEpoch = 0, IReadOnlyDictionary<int, double>? classWeight = null,
        int? stepsPerEpoch = null, int? validationSteps = null, int validationFreq = 1)
    {
        ThrowIfDisposed();
        EnsureCompiled("Fit");
        using var use = EnterTraining("Fit");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be a positive integer");
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validationSplit must be in [0, 1)");
        CheckFitOptions(epochs, verbose, initialEpoch, stepsPerEpoch, validationSteps, validationFreq);

        var all = PrepareData(x, y, sampleWeight, "x", "y", "sampleWeight");
        var cleanup = new List<Tensor>(all.Owned());
        try
        {
            Batches train = all;
            Batches? validation = null;
            if (validationData is { } vd)
            {
                validation = PrepareData(vd.X, vd.Y, vd.SampleWeight, "validationData.X", "validationData.Y", "validationData.SampleWeight");
                cleanup.AddRange(validation.Value.Owned());
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
                var weighted = WithClassWeights(train, classWeight, nameof(classWeight));
                cleanup.Add(weighted.W!);
                train = weighted;
            }
            if (Optimizer is FullBatchOptimizer)
            {
                // Exact solvers see the whole training set at once; each epoch is one solver iteration.
                batchSize = (int)Math.Min(int.MaxValue, train.Rows);
                shuffle = false;
            }
            if (_distribution is { } dp)
                return RunDistributedFit(dp, train, validation, epochs, batchSize, shuffle, callbacks, verbose, initialEpoch,
                    stepsPerEpoch is null && validationSteps is null ? validationFreq : throw new NotSupportedException(
                        "data-parallel Fit runs whole epochs: stepsPerEpoch and validationSteps are not supported with a Distribution"));
            using var source = new ArrayEpochs(train, batchSize, shuffle, stepsPerEpoch, Device);
            Func<IEnumerable<Batches>>? validate = validation is { } v ? () => ArrayBatches(v, batchSize, validationSteps) : null;
            return RunFit(source, validate, new FitSettings(epochs, verbose, initialEpoch, validationFreq), callbacks);
        }
        finally
        {
            foreach (var t in cleanup) t.Dispose();
        }
    }

    private static void CheckFitOptions(int epochs, int verbose, int initialEpoch, int? stepsPerEpoch, int? validationSteps, int validationFreq)
    {
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be >= 0");
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose must be 0, 1 or 2");
        if (initialEpoch < 0) throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, "initialEpoch must be >= 0");
        if (stepsPerEpoch is <= 0)
            throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), stepsPerEpoch, "stepsPerEpoch must be a positive number of batches (or null: one pass over the data)");
        if (validationSteps is <= 0)
            throw new ArgumentOutOfRangeException(nameof(validationSteps), validationSteps, "validationSteps must be a positive number of batches (or null: all the validation data)");
        if (validationFreq <= 0)
            throw new ArgumentOutOfRangeException(nameof(validationFreq), validationFreq, "validationFreq must be a positive integer (validate every validationFreq epochs)");
    }

    // The rows with their class weights multiplied into the sample weights; the new weight tensor is the caller's.
    private Batches WithClassWeights(Batches rows, IReadOnlyDictionary<int, double> classWeight, string argument)
    {
        var weights = ClassWeights(rows.Y, classWeight, argument);
        if (rows.W is { } w)
        {
            var product = w * weights;
            DisposeScope.Current?.Detach(product);
            weights.Dispose();
            weights = product;
        }
        return rows with { W = weights };
    }

    // Consecutive batches of the rows (the first maxSteps of them when given), each owned by the consumer.
    private static IEnumerable<Batches> ArrayBatches(Batches rows, int batchSize, int? maxSteps)
    {
        var step = 0;
        for (long start = 0; start < rows.Rows && (maxSteps is not { } m || step < m); start += batchSize, step++)
        {
            Batches batch;
            using (var scope = new DisposeScope())
            {
                batch = rows.Rows2(start, Math.Min(start + batchSize, rows.Rows));
                foreach (var t in batch.Owned()) scope.Detach(t);
            }
            yield return batch;
        }
    }

    /// <summary>Set by <see cref="BackupAndRestore"/> in OnTrainBegin: the epoch a resumed run starts at.</summary>
    internal int? ResumeEpoch { get; set; }

    private readonly record struct FitSettings(int Epochs, int Verbose, int InitialEpoch, int ValidationFreq);
}
