using Degenerate.Tensors;

namespace Degenerate.Callbacks;

/// <summary>
/// Stops training when a monitored figure stops improving, as <c>keras.callbacks.EarlyStopping</c>: an epoch improves
/// when it beats the best so far by more than <see cref="MinDelta"/>; training stops once <see cref="Patience"/> epochs
/// in a row have not (and never at the first epoch). With <see cref="RestoreBestWeights"/>, the weights of the best
/// epoch are put back when training ends, whether or not it stopped early (Keras 3 behaviour).
/// </summary>
public sealed class EarlyStopping : Callback
{
    private double _best;
    private int _wait;
    private Tensor[]? _bestWeights;

    /// <summary>Creates the callback with Keras's defaults.</summary>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, bool verbose = false,
        MonitorMode mode = MonitorMode.Auto, double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        if (!double.IsFinite(minDelta)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be finite");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be >= 0");
        if (baseline is { } b && !double.IsFinite(b))
            throw new ArgumentOutOfRangeException(nameof(baseline), b, "baseline must be finite (or null for none)");
        if (startFromEpoch < 0) throw new ArgumentOutOfRangeException(nameof(startFromEpoch), startFromEpoch, "startFromEpoch must be >= 0");
        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
        Patience = patience;
        Verbose = verbose;
        Mode = mode;
        Maximize = MonitorModes.Maximizes(mode, monitor);
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
    }

    /// <summary>The figure watched ("val_loss" by default).</summary>
    public string Monitor { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs without improvement tolerated before stopping.</summary>
    public int Patience { get; }

    /// <summary>Whether to print when stopping and restoring.</summary>
    public bool Verbose { get; }

    /// <summary>The mode given: <see cref="MonitorMode.Auto"/> is resolved when training begins.</summary>
    public MonitorMode Mode { get; }

    /// <summary>
    /// True when higher is better. In <see cref="MonitorMode.Auto"/> mode, once training begins, it follows the direction
    /// of the compiled metric that <see cref="Monitor"/> names (Keras 3: precision, recall, AUC, F1 and R² go up; errors
    /// and losses go down); a figure that is no compiled metric falls back to the name ("acc"/"auc" maximized).
    /// </summary>
    public bool Maximize { get; private set; }

    /// <summary>
    /// A value the figure must beat for the patience count to restart. Epochs that beat the best so far but not the
    /// baseline still become the best epoch (as in Keras 3), so with <see cref="RestoreBestWeights"/> the best epoch is
    /// restored even when no epoch reached the baseline.
    /// </summary>
    public double? Baseline { get; }

    /// <summary>Whether to restore the best epoch's weights at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epochs to wait before monitoring starts.</summary>
    public int StartFromEpoch { get; }

    /// <summary>0-based epoch at which training was stopped (0 if it was not).</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>0-based epoch with the best figure.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best figure seen.</summary>
    public double Best => _best;

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _wait = 0;
        if (Mode == MonitorMode.Auto && Model?.MetricHigherIsBetter(Monitor) is { } higher) Maximize = higher;
        StoppedEpoch = 0;
        BestEpoch = 0;
        // The best figure is tracked apart from the baseline (Keras 3): an epoch that beats the best so far becomes the
        // best epoch (and its weights are kept) even if it misses the baseline; only the patience count needs both.
        _best = Maximize ? double.NegativeInfinity : double.PositiveInfinity;
        DisposeBest();
    }

    private bool IsImprovement(double value, double reference) =>
        Maximize ? value - MinDelta > reference : value + MinDelta < reference;

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        if (epoch < StartFromEpoch) return;
        if (!logs.TryGetValue(Monitor, out var current))
        {
            Model?.Logger?.LogWarning($"EarlyStopping: '{Monitor}' is not among the logs ({string.Join(", ", logs.Keys)}); nothing monitored");
            return;
        }
        if (RestoreBestWeights && _bestWeights is null)
        {
            // Until something improves, the weights of the first monitored epoch count as the best (as in Keras).
            _bestWeights = Model!.GetWeights();
            BestEpoch = epoch;
        }
        _wait++;
        if (IsImprovement(current, _best))
        {
            _best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                DisposeBest();
                _bestWeights = Model!.GetWeights();
            }
            if (Baseline is null || IsImprovement(current, Baseline.Value)) _wait = 0;
            return;
        }
        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model!.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        if (StoppedEpoch > 0)
        {
            Model?.Logger?.LogInformation("Epoch {Epoch}: early stopping (best {Monitor} {Best} at epoch {BestEpoch})",
                StoppedEpoch + 1, Monitor, _best, BestEpoch + 1);
            if (Verbose) Console.WriteLine($"Epoch {StoppedEpoch + 1}: early stopping");
        }
        if (RestoreBestWeights && _bestWeights is not null)
        {
            if (Verbose) Console.WriteLine($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            Model!.SetWeights(_bestWeights);
        }
        DisposeBest();
    }

    private void DisposeBest()
    {
        if (_bestWeights is null) return;
        foreach (var w in _bestWeights) w.Dispose();
        _bestWeights = null;
    }
}
