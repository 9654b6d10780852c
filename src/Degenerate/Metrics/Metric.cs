using Degenerate.Losses;
using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// A figure reported during training and evaluation (not optimized), as <c>keras.metrics.Metric</c>: a stateful
/// accumulator. <see cref="UpdateState"/> adds a batch, <see cref="Result"/> reads the figure over every batch since
/// <see cref="ResetState"/>. The state lives on the device of the predictions (no read-back per batch); reading the
/// result waits for the device. Fit resets a model's metrics at the start of each epoch and of each evaluation.
/// Metrics given to <c>Compile(metrics:)</c> ignore sample weights, those given to <c>weightedMetrics:</c> use them
/// (and Fit's classWeight), as in Keras.
/// </summary>
public abstract class Metric : IDisposable
{
    /// <summary>Creates the metric logged under <paramref name="name"/>.</summary>
    protected Metric(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a metric needs a non-empty name", nameof(name));
        Name = name;
    }

    /// <summary>The key under which the figure is logged ("accuracy", "auc", ...): the name given to Compile, as Keras.</summary>
    public string Name { get; internal set; }

    /// <summary>
    /// Adds one batch: targets, predictions (probabilities, not logits, unless the metric says otherwise) and optional
    /// per-sample weights of shape [batch] (weight 0 masks a sample).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The metric was disposed.</exception>
    public void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        Update(yTrue, yPred, sampleWeight);
    }

    /// <summary>Adds one batch to the state (arguments checked for null and disposal).</summary>
    protected abstract void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight);

    /// <summary>
    /// The figure's values since the last reset: one value for most metrics, one per class or threshold for a metric
    /// configured to give several (e.g. <see cref="F1Score"/> with no averaging). Reads the device.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The metric was disposed.</exception>
    public double[] ResultVector()
    {
        ThrowIfDisposed();
        return Compute();
    }

    /// <summary>Computes the values from the state.</summary>
    protected abstract double[] Compute();

    /// <summary>The figure since the last reset (reads the device).</summary>
    /// <exception cref="InvalidOperationException">The metric gives several values; use <see cref="ResultVector"/>.</exception>
    public double Result()
    {
        var values = ResultVector();
        if (values.Length != 1)
            throw new InvalidOperationException(
                $"metric '{Name}' gives {values.Length} values (one per class or threshold); read them with ResultVector()");
        return values[0];
    }

    /// <summary>Forgets every batch seen.</summary>
    /// <exception cref="ObjectDisposedException">The metric was disposed.</exception>
    public void ResetState()
    {
        ThrowIfDisposed();
        Reset();
    }

    /// <summary>Releases the state (its tensors); the metric then holds no batches.</summary>
    protected abstract void Reset();

    /// <summary>
    /// Whether a higher value is better (Keras's metric <c>_direction</c> "up": accuracies, AUC, precision, recall, F
    /// scores, R², true positives/negatives) or lower (errors, losses, false positives/negatives).
    /// </summary>
    public virtual bool HigherIsBetter => false;

    private bool _disposed;

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => _disposed;

    private void ThrowIfDisposed()
    {
        if (_disposed) throw new ObjectDisposedException($"metric '{Name}'", $"metric '{Name}' was disposed");
    }

    // Frees the state without the disposal check: the model calls it for its metrics when it is disposed itself.
    internal void ReleaseState() => Reset();

    /// <summary>Releases the state tensors; the metric cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Reset();
        _disposed = true;
        GC.SuppressFinalize(this);
    }

    // Writes the result into logs: under Name, or Name_0, Name_1, ... when the metric gives several values (Keras
    // logs an array there; Degenerate's logs hold numbers).
    internal void WriteResults(IDictionary<string, double> logs, string key)
    {
        var values = ResultVector();
        if (values.Length == 1) logs[key] = values[0];
        else for (var i = 0; i < values.Length; i++) logs[$"{key}_{i}"] = values[i];
    }

    /// <summary>
    /// Resolves a Keras metric name (Keras's class names in snake case and its short aliases: "auc", "precision",
    /// "f1_score", "mse", ...). "accuracy" (or "acc") becomes binary accuracy for a one-unit output, sparse categorical
    /// accuracy when the loss takes class indices, categorical accuracy otherwise, as Keras 3 decides from the shapes of
    /// targets and predictions. The metric is logged under <paramref name="name"/> as given.
    /// </summary>
    public static Metric Get(string name, Loss? loss = null, long outputUnits = 1)
    {
        ArgumentNullException.ThrowIfNull(name);
        var given = name.Trim();
        var metric = MetricNames.Create(given.ToLowerInvariant(), loss, outputUnits) ?? throw new ArgumentException(
            $"unknown metric '{name}'; expected one of: {string.Join(", ", MetricNames.Known)}", nameof(name));
        metric.Name = given;
        return metric;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
