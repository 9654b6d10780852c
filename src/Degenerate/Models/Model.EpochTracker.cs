using Degenerate.Metrics;
using Degenerate.Tensors;

namespace Degenerate.Models;

// The running loss and metric state of one epoch (or one evaluation).
public abstract partial class Model
{
    // The loss's running sum (weighted by batch size, as Keras's loss tracker) on the device, and the compiled metrics,
    // which keep their own state: plain metrics see no sample weights, weighted metrics see them, as in Keras.
    internal sealed partial class EpochTracker : IDisposable
    {
        private readonly Model _model;
        private readonly Device _device;
        private Tensor? _loss;
        private double _hostLoss;
        private long _seen;

        public EpochTracker(Model model, Device device)
        {
            _model = model;
            _device = device;
        }

        // The metrics keep their state after the tracker goes: Fit reads the training figures before validation
        // resets them, and the next epoch resets them again.
        public void Dispose() => _loss?.Dispose();

        public void Reset()
        {
            _loss?.Dispose();
            _loss = Detached(Tensor.Zeros([], DType.Float64, _device));
            foreach (var entry in _model._compiledMetrics) entry.Metric.ResetState();
            _seen = 0;
            _hostLoss = 0;
        }

        private static Tensor Detached(Tensor t)
        {
            DisposeScope.Current?.Detach(t);
            return t;
        }

        public void Add(Tensor batchLoss, long rows, Tensor y, Tensor? predictions, Tensor? sampleWeight = null)
        {
            if (_loss is null) Reset();
            _loss!.AddInPlace(batchLoss, rows);
            if (predictions is not null)
            {
                using var noGrad = Autograd.NoGrad();
                foreach (var entry in _model._compiledMetrics)
                    entry.Metric.UpdateState(y, predictions, entry.Weighted ? sampleWeight : null);
            }
            _seen += rows;
        }

        /// <summary>
        /// Adds a whole epoch's loss computed by a training plan: Σ weight × per-sample loss over its rows; and, given
        /// the rows' predictions, updates the metrics once with all of them.
        /// </summary>
        public void AddEpoch(double lossSum, long rows, Tensor? y = null, Tensor? predictions = null, Tensor? sampleWeight = null)
        {
            if (_loss is null) Reset();
            _hostLoss += lossSum;
            if (predictions is not null)
            {
                using var noGrad = Autograd.NoGrad();
                foreach (var entry in _model._compiledMetrics)
                    entry.Metric.UpdateState(y!, predictions, entry.Weighted ? sampleWeight : null);
            }
            _seen += rows;
        }

        public long Seen => _seen;

        /// <summary>
        /// The epoch's mean loss so far as a device scalar (no read-back until someone reads it): what Keras passes to
        /// on_train_batch_end, the running mean rather than the batch's own loss.
        /// </summary>
        public Tensor RunningLoss()
        {
            if (_loss is null) Reset();
            using var shifted = _loss! + _hostLoss;
            return shifted / Math.Max(1, _seen);
        }

        /// <summary>Means so far (reads the device).</summary>
        public Dictionary<string, double> Results(string prefix)
        {
            var results = new Dictionary<string, double>();
            if (_loss is null || _seen == 0) return results;
            results[prefix + "loss"] = (_loss.Item() + _hostLoss) / _seen;
            foreach (var entry in _model._compiledMetrics) entry.Metric.WriteResults(results, prefix + entry.Key);
            return results;
        }
    }
}
