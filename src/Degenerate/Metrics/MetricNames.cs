using Degenerate.Losses;

namespace Degenerate.Metrics;

// The names Metric.Get resolves: Keras 3's ALL_OBJECTS_DICT (class names in snake case) and its aliases.
internal static class MetricNames
{
    public static IReadOnlyList<string> Known { get; } =
    [
        "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
        "mean_squared_error", "mse", "mean_absolute_error", "mae", "root_mean_squared_error",
        "mean_absolute_percentage_error", "mape", "mean_squared_logarithmic_error", "msle", "log_cosh_error", "r2_score",
        "auc", "precision", "recall", "f1_score", "true_positives", "false_positives", "true_negatives", "false_negatives",
        "binary_crossentropy", "bce", "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence",
        "poisson", "hinge", "squared_hinge", "categorical_hinge",
    ];

    public static Metric? Create(string key, Loss? loss, long outputUnits) => key switch
    {
        // Keras 3 (trainers/compile_utils.get_metric): binary when the output has one unit, sparse when the targets
        // are class indices, categorical otherwise; the loss itself is not consulted.
        "accuracy" or "acc" when outputUnits == 1 => new BinaryAccuracy(),
        "accuracy" or "acc" when loss is { TakesClassIndices: true } => new SparseCategoricalAccuracy(),
        "accuracy" or "acc" => new CategoricalAccuracy(),
        "binary_accuracy" => new BinaryAccuracy(),
        "categorical_accuracy" => new CategoricalAccuracy(),
        "sparse_categorical_accuracy" => new SparseCategoricalAccuracy(),
        "top_k_categorical_accuracy" => new TopKCategoricalAccuracy(),
        "sparse_top_k_categorical_accuracy" => new SparseTopKCategoricalAccuracy(),
        "mean_squared_error" or "mse" => new MeanSquaredError(),
        "mean_absolute_error" or "mae" => new MeanAbsoluteError(),
        "root_mean_squared_error" => new RootMeanSquaredError(),
        "r2_score" => new R2Score(),
        "auc" => new AUC(),
        "precision" => new Precision(),
        "recall" => new Recall(),
        "f1_score" => new F1Score(),
        "true_positives" => new ConfusionCount(ConfusionCount.Cell.TruePositives),
        "false_positives" => new ConfusionCount(ConfusionCount.Cell.FalsePositives),
        "true_negatives" => new ConfusionCount(ConfusionCount.Cell.TrueNegatives),
        "false_negatives" => new ConfusionCount(ConfusionCount.Cell.FalseNegatives),
        // Keras's losses as metrics (MeanMetricWrapper over the loss function): the mean per-sample loss.
        "mean_absolute_percentage_error" or "mape" => new LossMetric(new MeanAbsolutePercentageError(), "mean_absolute_percentage_error"),
        "mean_squared_logarithmic_error" or "msle" => new LossMetric(new MeanSquaredLogarithmicError(), "mean_squared_logarithmic_error"),
        "log_cosh_error" => new LossMetric(new LogCosh(), "log_cosh_error"),
        "binary_crossentropy" or "bce" => new LossMetric(new Losses.BinaryCrossentropy(), "binary_crossentropy"),
        "categorical_crossentropy" => new LossMetric(new Losses.CategoricalCrossentropy(), "categorical_crossentropy"),
        "sparse_categorical_crossentropy" => new LossMetric(new Losses.SparseCategoricalCrossentropy(), "sparse_categorical_crossentropy"),
        "kl_divergence" => new LossMetric(new KLDivergence(), "kl_divergence"),
        "poisson" => new LossMetric(new Poisson(), "poisson"),
        "hinge" => new LossMetric(new Hinge(), "hinge"),
        "squared_hinge" => new LossMetric(new SquaredHinge(), "squared_hinge"),
        "categorical_hinge" => new LossMetric(new CategoricalHinge(), "categorical_hinge"),
        _ => null,
    };
}
