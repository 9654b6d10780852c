using Degenerate.Activations;
using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>
/// A training objective with Keras semantics: a per-sample loss (reduced over the last axis), then the
/// "sum_over_batch_size" reduction: Σ loss_i · w_i divided by the number of samples (not by Σ w_i).
/// A Keras name works wherever a loss is expected (<c>"binary_crossentropy"</c>, <c>"mse"</c>, ...).
/// </summary>
public abstract class Loss
{
    /// <summary>The Keras name of the loss.</summary>
    public abstract string Name { get; }

    /// <summary>Per-sample loss, shape [batch], from targets and the model's outputs.</summary>
    public abstract Tensor PerSample(Tensor yTrue, Tensor yPred);

    /// <summary>
    /// Per-sample loss computed from the final layer's pre-activation values when its activation is
    /// <paramref name="activation"/>: the numerically stable "logits form" (sigmoid with binary cross-entropy, softmax
    /// with categorical cross-entropy, exponential with Poisson). Null when this loss has no such form for it.
    /// </summary>
    public virtual Tensor? PerSampleFromLogits(Tensor yTrue, Tensor logits, ActivationFunction activation) => null;

    /// <summary>True when the targets are integer class indices (sparse categorical cross-entropy).</summary>
    public virtual bool TakesClassIndices => false;

    /// <summary>
    /// Checks targets before training, throwing <see cref="ArgumentException"/> that names <paramref name="argument"/>
    /// (e.g. labels outside [0, 1] for binary cross-entropy). <paramref name="outputUnits"/> is the model's output width.
    /// </summary>
    public virtual void ValidateTargets(Tensor y, long outputUnits, string argument)
    {
        if (y.Rank != 2 || y.Size(1) != outputUnits)
            throw new ArgumentException(
                $"{argument} has shape {y.ShapeString} but the model has {outputUnits} output unit(s): expected [{y.Size(0)}, {outputUnits}]",
                argument);
    }

    /// <summary>Throws when <paramref name="y"/> holds a negative value: count targets (Poisson, negative binomial).</summary>
    private protected static void ThrowIfNegativeCounts(Tensor y, string argument, string lossName)
    {
        using var min = y.Min();
        if (min.Item() < 0)
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{argument} holds negative values (minimum {min.Item()}); {lossName} targets are counts >= 0"), argument);
    }

    /// <summary>The reduced loss: Σ loss_i · w_i / batch size (a scalar tensor).</summary>
    public Tensor Call(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        using var perSample = PerSample(yTrue, yPred);
        return Reduce(perSample, sampleWeight);
    }

    /// <summary>Keras's sum_over_batch_size reduction of a per-sample loss.</summary>
    public static Tensor Reduce(Tensor perSample, Tensor? sampleWeight)
    {
        if (sampleWeight is null) return perSample.Mean();
        using var weighted = perSample * sampleWeight;
        return weighted.Mean();
    }

    /// <summary>Looks a loss up by its Keras name or alias.</summary>
    public static Loss Get(string name) => name.Trim().ToLowerInvariant() switch
    {
        "mean_squared_error" or "mse" => new MeanSquaredError(),
        "mean_absolute_error" or "mae" => new MeanAbsoluteError(),
        "binary_crossentropy" or "bce" => new BinaryCrossentropy(),
        "categorical_crossentropy" or "cce" => new CategoricalCrossentropy(),
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
        "poisson" => new Poisson(),
        "huber" or "huber_loss" => new Huber(),
        "gamma" or "gamma_deviance" => new Gamma(),
        "negative_binomial" or "negbin" => new NegativeBinomial(),
        // Keras 3's further losses (keras/src/losses/losses.py), under Keras's names and legacy aliases.
        "kl_divergence" or "kld" or "kullback_leibler_divergence" => new KLDivergence(),
        "mean_absolute_percentage_error" or "mape" => new MeanAbsolutePercentageError(),
        "mean_squared_logarithmic_error" or "msle" => new MeanSquaredLogarithmicError(),
        "log_cosh" or "logcosh" => new LogCosh(),
        "hinge" => new Hinge(),
        "squared_hinge" => new SquaredHinge(),
        "categorical_hinge" => new CategoricalHinge(),
        "binary_focal_crossentropy" => new BinaryFocalCrossentropy(),
        _ => throw new ArgumentException(
            $"unknown loss '{name}'; expected mean_squared_error (mse), mean_absolute_error (mae), binary_crossentropy, " +
            "categorical_crossentropy, sparse_categorical_crossentropy, poisson, huber, gamma, negative_binomial, kl_divergence, " +
            "mean_absolute_percentage_error (mape), mean_squared_logarithmic_error (msle), log_cosh, hinge, squared_hinge, " +
            "categorical_hinge or binary_focal_crossentropy", nameof(name)),
    };

    /// <summary>Lets a Keras name stand wherever a loss is expected.</summary>
    public static implicit operator Loss(string name) => Get(name);

    /// <summary>Keras's fuzz factor for clipping probabilities and logs.</summary>
    public const double Epsilon = 1e-7;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
