using Degenerate.Tensors;

namespace Degenerate.Callbacks;

/// <summary>
/// Figures of one batch, as Keras's batch-end logs: the epoch's running mean loss and the running values of every
/// compiled metric (over every row since the epoch, or the evaluation, began). Nothing is read from the device until a
/// property is read, so callbacks that do not look at the figures cost no synchronization. <see cref="Metrics"/> must be
/// read during the callback that received the logs: the metrics move on with the next batch.
/// </summary>
public sealed class BatchLogs
{
    private readonly Tensor _loss;
    private double? _value;
    private Func<Dictionary<string, double>>? _metrics;
    private IReadOnlyDictionary<string, double>? _metricValues;
    private bool _closed;

    internal BatchLogs(Tensor loss, long size, Func<Dictionary<string, double>>? metrics = null)
    {
        _loss = loss;
        Size = size;
        _metrics = metrics;
    }

    /// <summary>Number of samples in the batch.</summary>
    public long Size { get; }

    /// <summary>The epoch's running mean loss (read from the device on first access).</summary>
    public double Loss => _value ??= _loss.Item();

    /// <summary>
    /// The running value of each compiled metric under its logged key (as in <c>History</c>, without "val_"; a metric
    /// with several values as key_0, key_1, ...); empty when none is compiled. Reads the device on first access.
    /// </summary>
    /// <exception cref="InvalidOperationException">Read after the callback that received these logs returned.</exception>
    public IReadOnlyDictionary<string, double> Metrics
    {
        get
        {
            if (_metricValues is not null) return _metricValues;
            if (_closed)
                throw new InvalidOperationException(
                    "BatchLogs.Metrics was read after its batch's callbacks returned; the metrics have moved on since. " +
                    "Read it inside OnTrainBatchEnd/OnTestBatchEnd (or copy the values there).");
            _metricValues = _metrics?.Invoke() ?? new Dictionary<string, double>();
            _metrics = null;
            return _metricValues;
        }
    }

    // Called once every callback has seen the logs: values not read by then are no longer those of this batch.
    internal void Close()
    {
        _closed = true;
        _metrics = null;
    }
}
