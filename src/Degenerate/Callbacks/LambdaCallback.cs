namespace Degenerate.Callbacks;

/// <summary>A callback built from delegates, as <c>keras.callbacks.LambdaCallback</c>.</summary>
public sealed class LambdaCallback : Callback
{
    private readonly Action<int>? _onEpochBegin;
    private readonly Action<int, IDictionary<string, double>>? _onEpochEnd;
    private readonly Action<int, BatchLogs>? _onBatchEnd;
    private readonly Action? _onTrainBegin;
    private readonly Action<IDictionary<string, double>>? _onTrainEnd;
    private readonly Action<int>? _onBatchBegin;

    /// <summary>Creates the callback; every delegate is optional (the batch ones are Keras's on_batch_begin/end: training batches).</summary>
    public LambdaCallback(Action<int>? onEpochBegin = null, Action<int, IDictionary<string, double>>? onEpochEnd = null,
        Action<int, BatchLogs>? onBatchEnd = null, Action? onTrainBegin = null,
        Action<IDictionary<string, double>>? onTrainEnd = null, Action<int>? onBatchBegin = null)
    {
        _onBatchBegin = onBatchBegin;
        _onEpochBegin = onEpochBegin;
        _onEpochEnd = onEpochEnd;
        _onBatchEnd = onBatchEnd;
        _onTrainBegin = onTrainBegin;
        _onTrainEnd = onTrainEnd;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch) => _onEpochBegin?.Invoke(epoch);

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => _onEpochEnd?.Invoke(epoch, logs);

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, BatchLogs logs) => _onBatchEnd?.Invoke(batch, logs);

    /// <inheritdoc/>
    public override void OnTrainBatchBegin(int batch) => _onBatchBegin?.Invoke(batch);

    /// <inheritdoc/>
    public override void OnTrainBegin() => _onTrainBegin?.Invoke();

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs) => _onTrainEnd?.Invoke(logs);
}
