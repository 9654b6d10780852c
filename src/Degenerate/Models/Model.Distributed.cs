using Degenerate.Callbacks;
using Degenerate.Distributed;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Models;

// Data-parallel training (DDP semantics over a c10d process group); see Distributed/DataParallel.cs.
public abstract partial class Model
{
    private DataParallel? _distribution;

    /// <summary>
    /// Data parallelism across processes (Keras 3's <c>keras.distribution</c>), or null for one process. With it,
    /// Fit, Evaluate and Predict must be called on every rank with the same arguments; Save and SaveWeights write only
    /// on rank 0 (other ranks return without writing).
    /// </summary>
    public DataParallel? Distribution
    {
        get => _distribution;
        set
        {
            ThrowIfDisposed();
            _distribution = value;
        }
    }

    // Save and SaveWeights: only rank 0 writes.
    private bool SkipsSaving => _distribution is { IsMain: false };

    private History RunDistributedFit(DataParallel dp, Batches train, Batches? validation, int epochs, int batchSize, bool shuffle,
        IEnumerable<Callback>? userCallbacks, int verbose, int initialEpoch, int validationFreq)
    {
        if (!Optimizer!.IsBuilt) BuildOptimizer();
        else if (OptimizerWeightsAreStale)
            throw new InvalidOperationException(
                "a layer's Trainable changed after Compile: call Compile again so the optimizer trains exactly the " +
                $"trainable weights (now {TrainableWeights.Count} tensors, {TrainableParamCount} values)");
        if (Optimizer is FullBatchOptimizer)
            throw new NotSupportedException(
                $"{Optimizer.GetType().Name} is an exact full-batch solver, which data-parallel Fit does not run; fit GLMs " +
                "exactly across ranks with Glm.Fit and a process group");
        var group = dp.Group;
        var callbacks = new List<Callback>();
        if (userCallbacks is not null) callbacks.AddRange(userCallbacks);
        // Agreed by every rank, since both add collectives to each batch: whether any rank has callbacks (whose stop
        // requests must be agreed) and whether any rank may read a batch's metrics (the progress bar at verbose 1, a
        // callback). Then each batch's rows are gathered and fed to every rank's metrics at once, so the batch logs
        // carry one process's running metrics; else the rows are gathered once, at the end of the epoch. And whether
        // some rank's model is off its NCCL GPU, so that every rank stops together instead of waiting for it.
        var misplaced = DataParallel.DeviceProblem(group.Backend, group.Device, Device, group.Rank);
        var agreed = new[]
        {
            callbacks.Count > 0 ? 1.0 : 0, _compiledMetrics.Count > 0 && (verbose == 1 || callbacks.Count > 0) ? 1.0 : 0,
            misplaced is null ? 0 : 1.0,
        };
        group.AllReduce(agreed, CollectiveOp.Max);
        if (agreed[2] > 0)
            throw new InvalidOperationException(misplaced ?? "another rank's model is not on its NCCL GPU (see that rank's error); no rank trained");
        bool hasUserCallbacks = agreed[0] > 0, perBatchMetrics = agreed[1] > 0;
        // DDP broadcasts rank 0's state when it wraps the model: every rank then starts from the same weights.
        group.Broadcast(Weights);
        var trainable = TrainableWeights;
        var history = new History();
        var steps = (int)((train.Rows + batchSize - 1) / batchSize);
        using var tracker = new EpochTracker(this, Device);
        var progbar = verbose > 0 && dp.IsMain ? new ProgbarLogger(verbose, epochs, steps, tracker) : null;
        if (progbar is not null) callbacks.Add(progbar);
        foreach (var c in callbacks) c.Model = this;
        var dtype = trainable.Count > 0 ? trainable[0].DType : DType.Float32;

        StopTraining = false;
        Dictionary<string, double> logs = new();
        foreach (var c in callbacks) c.OnTrainBegin();
        for (var epoch = initialEpoch; epoch < epochs; epoch++)
        {
            foreach (var c in callbacks) c.OnEpochBegin(epoch);
            tracker.Reset();
            using var metricRows = new MetricRows();
            // The epoch's running mean of the global batch losses, weighted by rows (what Keras passes to
            // on_train_batch_end); on the device, read only if a callback reads it.
            using var runningLoss = Tensor.Zeros([], DType.Float64, Device);
            long runningRows = 0;
            var order = shuffle ? dp.EpochPermutation(train.Rows, epoch) : null;
            for (var step = 0; step < steps; step++)
            {
                var start = (long)step * batchSize;
                var end = Math.Min(start + batchSize, train.Rows);
                using var scope = new DisposeScope();
                var mine = dp.Share(end - start).Select(p => order is null ? start + p : order[start + p]).ToArray();
                using var batchRows = perBatchMetrics ? new MetricRows() : null;
                var batchLoss = DistributedStep(dp, train, mine, end - start, trainable, dtype, tracker, batchRows ?? metricRows);
                batchRows?.Sync(this, group, train);
                runningLoss.AddInPlace(batchLoss, end - start);
                runningRows += end - start;
                var batchLogs = new BatchLogs(runningLoss / runningRows, end - start, perBatchMetrics ? RunningMetricValues : null);
                foreach (var c in callbacks) c.OnTrainBatchEnd(step, batchLogs);
                batchLogs.Close();
                // A callback that stops on a batch's figures decides the same on every rank (the figures are global),
                // but one rank must never leave the loop alone: the others would wait in the next all-reduce.
                if (hasUserCallbacks) StopTraining = AnyRank(group, StopTraining);
                if (StopTraining) break;
            }
            tracker.AllReduce(group);
            if (!perBatchMetrics) metricRows.Sync(this, group, train);
            logs = tracker.Results(prefix: "");
            if (validation is { } v && (epoch + 1) % validationFreq == 0)
                foreach (var (key, value) in EvaluateDistributed(dp, v, batchSize)) logs["val_" + key] = value;
            foreach (var c in callbacks) c.OnEpochEnd(epoch, logs);
            history.Record(epoch, logs);
            if (dp.IsMain) Logger?.LogInformation("Epoch {Epoch}/{Epochs}: {Figures}", epoch + 1, epochs, FormatLogs(logs));
            if (hasUserCallbacks) StopTraining = AnyRank(group, StopTraining);
            if (StopTraining) break;
        }
        foreach (var c in callbacks) c.OnTrainEnd(logs);
        return history;
    }

    private static bool AnyRank(ProcessGroup group, bool flag)
    {
        var values = new[] { flag ? 1.0 : 0.0 };
        group.AllReduce(values, CollectiveOp.Max);
        return values[0] > 0;
    }

    // One global step: this rank's rows of the batch contribute Σ w·loss / (batch rows) to the gradient, so the summed
    // gradient equals one process's on the whole batch. Returns the batch's loss (the global mean) for callbacks.
    private Tensor DistributedStep(DataParallel dp, Batches train, long[] mine, long batchRows, IReadOnlyList<Tensor> trainable,
        DType dtype, EpochTracker tracker, MetricRows metricRows)
    {
        Tensor objective;
        Tensor lossSum;
        Tensor? penalty = null;
        foreach (var layer in Layers)
            if (layer.RegularizationLoss() is { } p) penalty = penalty is null ? p : penalty + p;
        if (mine.Length > 0)
        {
            using var index = Tensor.FromArray(mine, [mine.Length], Device);
            var batch = train.Gather(index);
            var (perSample, predictions) = ForwardLoss(batch.X, batch.Y, training: true, needPredictions: _compiledMetrics.Count > 0);
            var local = Losses.Loss.Reduce(perSample, batch.W);
            objective = local * ((double)mine.Length / batchRows);
            lossSum = local.Detach() * mine.Length;
            tracker.Add(penalty is null ? local.Detach() : local.Detach() + penalty.Detach(), mine.Length, batch.Y, null);
            metricRows.Add(batch.Y, predictions, batch.W);
        }
        else
        {
            objective = Tensor.Zeros([], dtype, Device);
            lossSum = Tensor.Zeros([], dtype, Device);
        }
        // The penalty once in the sum over ranks; the zero terms give every weight a gradient on every rank (a rank
        // with no rows in this batch included), so all ranks reduce the same list.
        if (penalty is not null) objective = objective + penalty * (1.0 / dp.Group.WorldSize);
        foreach (var w in trainable) objective = objective + w.Sum() * 0.0;
        objective.Backward();
        var grads = trainable.Select(w => w.Grad!).ToList();
        using var loss = lossSum.To(dtype, Device).Reshape([1]);
        dp.Group.AllReduce([.. grads, loss], CollectiveOp.Sum, dp.BucketCapMB);
        foreach (var g in grads) g.Dispose();
        Optimizer!.Step();
        var mean = loss.Reshape([]) * (1.0 / batchRows);
        return penalty is null ? mean : mean + penalty.Detach();
    }

    // Evaluate with a distribution: each rank computes its block of rows; the sums are added across ranks.
    private Dictionary<string, double> EvaluateDistributed(DataParallel dp, Batches data, int batchSize)
    {
        using var noGrad = Autograd.NoGrad();
        using var tracker = new EpochTracker(this, Device);
        tracker.Reset();
        using var metricRows = new MetricRows();
        var (first, last) = dp.Block(data.Rows);
        for (var start = first; start < last; start += batchSize)
        {
            using var scope = new DisposeScope();
            var batch = data.Rows2(start, Math.Min(start + batchSize, last));
            var (perSample, predictions) = ForwardLoss(batch.X, batch.Y, training: false, needPredictions: _compiledMetrics.Count > 0);
            tracker.Add(Losses.Loss.Reduce(perSample, batch.W), batch.Rows, batch.Y, null);
            metricRows.Add(batch.Y, predictions, batch.W);
        }
        tracker.AllReduce(dp.Group);
        metricRows.Sync(this, dp.Group, data);
        var results = tracker.Results(prefix: "");
        using (var scope = new DisposeScope())
        {
            foreach (var layer in Layers)
                if (layer.RegularizationLoss() is { } penalty) results["loss"] += penalty.Item();
        }
        return results;
    }

    // Predict with a distribution: each rank predicts its block of rows; every rank gets all rows in order.
    private Tensor PredictDistributed(DataParallel dp, Tensor input, int batchSize)
    {
        var (first, last) = dp.Block(input.Size(0));
        using var scope = new DisposeScope();
        var parts = new List<Tensor>();
        for (var start = first; start < last; start += batchSize)
            parts.Add(Call(input.Slice(0, start, Math.Min(start + batchSize, last))));
        var mine = parts.Count > 0 ? Tensor.Cat(parts, 0) : EmptyPrediction(input);
        var all = dp.Group.AllGatherRows(mine);
        scope.Detach(all);
        return all;
    }

    // A rank with no rows still sends a [0, …] block of the right trailing shape and dtype.
    private Tensor EmptyPrediction(Tensor input)
    {
        var one = Call(input.Slice(0, 0, Math.Min(1, input.Size(0))));
        return one.Slice(0, 0, 0);
    }

    internal sealed partial class EpochTracker
    {
        /// <summary>Adds every rank's loss sum and row count: each rank then holds the global figures.</summary>
        public void AllReduce(ProcessGroup group)
        {
            if (_loss is null) Reset();
            var values = new[] { _loss!.Item() + _hostLoss, _seen };
            group.AllReduce(values);
            _loss.Fill(values[0]);
            _hostLoss = 0;
            _seen = (long)values[1];
        }
    }

    // The rows (targets, predictions, sample weights) this rank computed in an epoch or evaluation. At the end every
    // rank's rows are gathered and fed to each rank's stateful metrics, so any metric (means, AUC, F1, R²) comes out
    // as one process's over the same rows, whatever its state holds.
    private sealed class MetricRows : IDisposable
    {
        private readonly List<Tensor> _y = [], _p = [], _w = [];

        public void Add(Tensor y, Tensor? predictions, Tensor? weights)
        {
            if (predictions is null) return;
            _y.Add(Keep(y.Detach()));
            _p.Add(Keep(predictions.Detach()));
            if (weights is not null) _w.Add(Keep(weights.Detach()));
        }

        private static Tensor Keep(Tensor t)
        {
            DisposeScope.Current?.Detach(t);
            return t;
        }

        public void Sync(Model model, ProcessGroup group, Batches rows)
        {
            if (model._compiledMetrics.Count == 0) return;
            using var scope = new DisposeScope();
            using var noGrad = Autograd.NoGrad();
            var y = group.AllGatherRows(_y.Count > 0 ? Tensor.Cat(_y, 0) : rows.Y.Slice(0, 0, 0));
            var p = group.AllGatherRows(_p.Count > 0 ? Tensor.Cat(_p, 0) : model.EmptyPrediction(rows.X));
            Tensor? w = rows.W is null ? null : group.AllGatherRows(_w.Count > 0 ? Tensor.Cat(_w, 0) : rows.W.Slice(0, 0, 0));
            foreach (var entry in model._compiledMetrics) entry.Metric.UpdateState(y, p, entry.Weighted ? w : null);
        }

        public void Dispose()
        {
            foreach (var t in _y.Concat(_p).Concat(_w)) t.Dispose();
        }
    }
}
