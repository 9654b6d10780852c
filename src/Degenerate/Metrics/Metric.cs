using Degenerate.Losses;
using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// A figure reported during training and evaluation (not optimized), as in <c>keras.metrics</c>. Each metric gives a
/// per-sample value; the epoch's figure is their mean over every sample seen (Keras metrics ignore sample weights).
/// </summary>
public abstract class Metric
{
    /// <summary>The key under which the figure is logged ("accuracy", "mse", ...).</summary>
    public abstract string Name { get; }

    /// <summary>Per-sample values, shape [batch], from targets and predictions (probabilities, not logits).</summary>
    public abstract Tensor PerSample(Tensor yTrue, Tensor yPred);

    /// <summary>
    /// Resolves a Keras metric name. "accuracy" (or "acc") becomes binary, categorical or sparse categorical accuracy
    /// depending on the loss and the output width, as Keras does.
    /// </summary>
    public static Metric Get(string name, Loss? loss = null, long outputUnits = 1)
    {
        var key = name.Trim().ToLowerInvariant();
        switch (key)
        {
            case "accuracy" or "acc":
                Metric resolved = loss switch
                {
                    SparseCategoricalCrossentropy => new SparseCategoricalAccuracy(),
                    CategoricalCrossentropy => new CategoricalAccuracy(),
                    BinaryCrossentropy => new BinaryAccuracy(),
                    _ when outputUnits == 1 => new BinaryAccuracy(),
                    _ => new CategoricalAccuracy(),
                };
                return resolved.Renamed(name.Trim());
            case "binary_accuracy": return new BinaryAccuracy();
            case "categorical_accuracy": return new CategoricalAccuracy();
            case "sparse_categorical_accuracy": return new SparseCategoricalAccuracy();
            case "mse" or "mean_squared_error": return new MeanSquaredError(name.Trim());
            case "mae" or "mean_absolute_error": return new MeanAbsoluteError(name.Trim());
            default:
                throw new ArgumentException(
                    $"unknown metric '{name}'; expected accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, mse or mae",
                    nameof(name));
        }
    }

    /// <summary>This metric logged under another key.</summary>
    public Metric Renamed(string name) => name == Name ? this : new RenamedMetric(this, name);

    private sealed class RenamedMetric(Metric inner, string name) : Metric
    {
        public override string Name => name;
        public override Tensor PerSample(Tensor yTrue, Tensor yPred) => inner.PerSample(yTrue, yPred);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
