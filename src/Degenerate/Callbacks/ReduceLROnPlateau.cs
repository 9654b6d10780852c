using System.Globalization;

namespace Degenerate.Callbacks;

/// <summary>
/// Multiplies the learning rate by <see cref="Factor"/> when a monitored figure has not improved (by more than
/// <see cref="MinDelta"/>) for <see cref="Patience"/> epochs, as <c>keras.callbacks.ReduceLROnPlateau</c>.
/// It adds the current rate to the logs as "learning_rate".
/// </summary>
public sealed class ReduceLROnPlateau : Callback
{
    private double _best;
    private int _wait;
    private int _cooldownCounter;

    /// <summary>Creates the callback with Keras's defaults.</summary>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, bool verbose = false,
        MonitorMode mode = MonitorMode.Auto, double minDelta = 1e-4, int cooldown = 0, double minLr = 0.0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        if (!(factor < 1.0) || !(factor > 0))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau does not support a factor >= 1.0 (or <= 0)");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be >= 0");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "cooldown must be >= 0");
        if (!double.IsFinite(minDelta)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be finite");
        if (!(minLr >= 0) || !double.IsFinite(minLr)) throw new ArgumentOutOfRangeException(nameof(minLr), minLr, "minLr must be a finite value >= 0");
        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        Verbose = verbose;
        Maximize = MonitorModes.Maximizes(mode, monitor);
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinLr = minLr;
    }

    /// <summary>The figure watched.</summary>
    public string Monitor { get; }

    /// <summary>Multiplier applied to the learning rate.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; }

    /// <summary>Whether to print reductions.</summary>
    public bool Verbose { get; }

    /// <summary>True when higher is better.</summary>
    public bool Maximize { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs to wait after a reduction before counting again.</summary>
    public int Cooldown { get; }

    /// <summary>Lower bound on the learning rate.</summary>
    public double MinLr { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _best = Maximize ? double.NegativeInfinity : double.PositiveInfinity;
        _wait = 0;
        _cooldownCounter = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        var optimizer = Model?.Optimizer ?? throw new InvalidOperationException("ReduceLROnPlateau needs a compiled model");
        logs["learning_rate"] = optimizer.LearningRate;
        if (!logs.TryGetValue(Monitor, out var current))
        {
            Model.Logger?.LogWarning($"ReduceLROnPlateau: '{Monitor}' is not among the logs ({string.Join(", ", logs.Keys)})");
            return;
        }
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _wait = 0;
        }
        var improved = Maximize ? current > _best + MinDelta : current < _best - MinDelta;
        if (improved)
        {
            _best = current;
            _wait = 0;
        }
        else if (_cooldownCounter == 0) // checked after the decrement, as Keras does: the last cooldown epoch counts
        {
            _wait++;
            if (_wait >= Patience)
            {
                var old = optimizer.LearningRate;
                if (old > MinLr)
                {
                    var updated = Math.Max(old * Factor, MinLr);
                    if (updated > 0) optimizer.LearningRate = updated;
                    Model.Logger?.LogInformation("Epoch {Epoch}: ReduceLROnPlateau reducing learning rate to {LearningRate}", epoch + 1, updated);
                    if (Verbose)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {updated}."));
                    _cooldownCounter = Cooldown;
                    _wait = 0;
                }
            }
        }
    }
}
