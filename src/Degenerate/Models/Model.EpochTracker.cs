using Degenerate.Tensors;

namespace Degenerate.Models;

// The running loss and metric sums of one epoch (or one evaluation).
public abstract partial class Model
{
    // Running sums of the loss (weighted by batch size, as Keras's loss tracker) and metrics, kept on the device.
    internal sealed partial class EpochTracker : IDisposable
    {
        private readonly Model _model;
        private readonly Device _device;
        private Tensor? _loss;
        private double _hostLoss;
        private Tensor[] _metrics = [];
        private long _seen;

        public EpochTracker(Model model, Device device)
        {
            _model = model;
            _device = device;
        }

        public void Dispose()
        {
            _loss?.Dispose();
            foreach (var m in _metrics) m.Dispose();
        }

        public void Reset()
        {
            Dispose();
            _loss = Detached(Tensor.Zeros([], DType.Float64, _device));
            _metrics = _model._metrics.Select(_ => Detached(Tensor.Zeros([], DType.Float64, _device))).ToArray();
            _seen = 0;
            _hostLoss = 0;
        }

        private static Tensor Detached(Tensor t)
        {
            DisposeScope.Current?.Detach(t);
            return t;
        }

        public void Add(Tensor batchLoss, long rows, Tensor y, Tensor? predictions)
        {
            if (_loss is null) Reset();
            _loss!.AddInPlace(batchLoss, rows);
            if (predictions is not null && _model._metrics.Count > 0)
            {
                using var noGrad = Autograd.NoGrad();
                for (var i = 0; i < _model._metrics.Count; i++)
                {
                    using var values = _model._metrics[i].PerSample(y, predictions);
                    using var sum = values.Sum();
                    _metrics[i].AddInPlace(sum);
                }
            }
            _seen += rows;
        }

        /// <summary>Adds a whole epoch's loss computed by a training plan: Σ weight × per-sample loss over its rows.</summary>
        public void AddEpoch(double lossSum, long rows)
        {
            if (_loss is null) Reset();
            _hostLoss += lossSum;
            _seen += rows;
        }

        public long Seen => _seen;

        /// <summary>Means so far (reads the device).</summary>
        public Dictionary<string, double> Results(string prefix)
        {
            var results = new Dictionary<string, double>();
            if (_loss is null || _seen == 0) return results;
            results[prefix + "loss"] = (_loss.Item() + _hostLoss) / _seen;
            for (var i = 0; i < _metrics.Length; i++) results[prefix + _model._metrics[i].Name] = _metrics[i].Item() / _seen;
            return results;
        }
    }
}
