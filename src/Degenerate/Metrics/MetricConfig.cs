using System.Globalization;
using System.Text.Json.Nodes;

namespace Degenerate.Metrics;

// The saved form of a metric object, as Keras serializes compile metrics ({"class_name", "config"} with get_config's
// keys), for the metrics whose settings a name cannot carry: the threshold-search metrics, Precision/Recall (top_k,
// class_id, thresholds), AUC (label_weights, ...) and the IoU metrics (num_classes, ...). Other metric objects have none
// and are not saved.
internal static class MetricConfig
{
    public static JsonObject? ToConfig(Metric metric)
    {
        JsonObject config;
        string className;
        switch (metric)
        {
            case SensitivitySpecificityBase s:
                className = s.GetType().Name;
                config = new JsonObject
                {
                    [ValueKey(s)] = s.Value,
                    ["num_thresholds"] = s.NumThresholds,
                    ["class_id"] = s.ClassId,
                };
                break;
            case ThresholdedConfusionMetric t and (Precision or Recall):
                className = t.GetType().Name;
                config = new JsonObject
                {
                    // Keras's thresholds; top_k's default threshold (NEG_INF) is not a setting.
                    ["thresholds"] = t.TopK is not null && t.Thresholds is [ConfusionState.NegInf]
                        ? null
                        : new JsonArray(t.Thresholds.Select(v => (JsonNode)v).ToArray()),
                    ["top_k"] = t.TopK,
                    ["class_id"] = t.ClassId,
                };
                break;
            case AUC a:
                className = "AUC";
                var evenly = a.NumThresholds > 2 && Enumerable.Range(1, a.NumThresholds - 2)
                    .All(i => a.Thresholds[i] == i * 1.0 / (a.NumThresholds - 1));
                config = new JsonObject
                {
                    ["num_thresholds"] = a.NumThresholds,
                    ["curve"] = a.Curve,
                    ["summation_method"] = a.SummationMethod,
                    ["multi_label"] = a.MultiLabel,
                    ["label_weights"] = a.LabelWeights is { } lw ? new JsonArray(lw.Select(v => (JsonNode)v).ToArray()) : null,
                    ["from_logits"] = a.FromLogits,
                    ["thresholds"] = evenly ? null : new JsonArray(a.Thresholds.Skip(1).Take(a.NumThresholds - 2).Select(v => (JsonNode)v).ToArray()),
                };
                break;
            case IoU iou:
                className = iou.GetType().Name;
                config = new JsonObject { ["num_classes"] = iou.NumClasses, ["ignore_class"] = iou.IgnoreClass };
                if (iou is IoU and not (MeanIoU or OneHotMeanIoU))
                    config["target_class_ids"] = new JsonArray(iou.TargetClassIds.Select(v => (JsonNode)v).ToArray());
                if (iou is IoU and not (OneHotIoU or OneHotMeanIoU or BinaryIoU)) config["sparse_y_true"] = iou.SparseYTrue;
                if (iou is not BinaryIoU) config["sparse_y_pred"] = iou.SparseYPred;
                if (iou is BinaryIoU b) config["threshold"] = b.Threshold;
                break;
            default:
                return null;
        }
        config["name"] = metric.Name;
        return new JsonObject { ["class_name"] = className, ["config"] = config };
    }

    private static string ValueKey(SensitivitySpecificityBase s) => s switch
    {
        PrecisionAtRecall => "recall",
        RecallAtPrecision => "precision",
        SensitivityAtSpecificity => "specificity",
        _ => "sensitivity",
    };

    // The metric a saved {"class_name", "config"} describes; an unknown class or a bad setting throws (the loader
    // names the file and entry).
    public static Metric FromConfig(JsonObject entry)
    {
        var className = entry["class_name"]?.GetValue<string>()
            ?? throw new ArgumentException("a saved metric object needs a \"class_name\"");
        var c = entry["config"] as JsonObject ?? throw new ArgumentException($"saved metric {className} has no \"config\" object");
        var name = c["name"]?.GetValue<string>() ?? throw new ArgumentException($"saved metric {className} has no \"name\"");
        double Number(string key) => c[key]?.GetValue<double>() ?? throw new ArgumentException($"saved metric {className} has no \"{key}\"");
        int? OptionalInt(string key) => c[key] is { } n ? checked((int)n.GetValue<double>()) : null;
        double[]? Numbers(string key) => (c[key] as JsonArray)?.Select(v => v!.GetValue<double>()).ToArray();
        var thresholdsCount = OptionalInt("num_thresholds") ?? 200;
        int Int(string key) => OptionalInt(key) ?? throw new ArgumentException($"saved metric {className} has no \"{key}\"");
        int[] Ints(string key) => (c[key] as JsonArray)?.Select(v => checked((int)v!.GetValue<double>())).ToArray()
            ?? throw new ArgumentException($"saved metric {className} has no \"{key}\" list");
        return className switch
        {
            "PrecisionAtRecall" => new PrecisionAtRecall(Number("recall"), thresholdsCount, OptionalInt("class_id"), name),
            "RecallAtPrecision" => new RecallAtPrecision(Number("precision"), thresholdsCount, OptionalInt("class_id"), name),
            "SensitivityAtSpecificity" => new SensitivityAtSpecificity(Number("specificity"), thresholdsCount, OptionalInt("class_id"), name),
            "SpecificityAtSensitivity" => new SpecificityAtSensitivity(Number("sensitivity"), thresholdsCount, OptionalInt("class_id"), name),
            "Precision" => new Precision(Numbers("thresholds"), OptionalInt("class_id"), name, OptionalInt("top_k")),
            "Recall" => new Recall(Numbers("thresholds"), OptionalInt("class_id"), name, OptionalInt("top_k")),
            "AUC" => new AUC(thresholdsCount, c["curve"]?.GetValue<string>() ?? "ROC",
                c["summation_method"]?.GetValue<string>() ?? "interpolation", Numbers("thresholds"),
                c["multi_label"]?.GetValue<bool>() ?? false, c["from_logits"]?.GetValue<bool>() ?? false, name, Numbers("label_weights")),
            "IoU" => new IoU(Int("num_classes"), Ints("target_class_ids"), name, OptionalInt("ignore_class"),
                c["sparse_y_true"]?.GetValue<bool>() ?? true, c["sparse_y_pred"]?.GetValue<bool>() ?? true),
            "MeanIoU" => new MeanIoU(Int("num_classes"), name, OptionalInt("ignore_class"),
                c["sparse_y_true"]?.GetValue<bool>() ?? true, c["sparse_y_pred"]?.GetValue<bool>() ?? true),
            "OneHotIoU" => new OneHotIoU(Int("num_classes"), Ints("target_class_ids"), name, OptionalInt("ignore_class"),
                c["sparse_y_pred"]?.GetValue<bool>() ?? false),
            "OneHotMeanIoU" => new OneHotMeanIoU(Int("num_classes"), name, OptionalInt("ignore_class"), c["sparse_y_pred"]?.GetValue<bool>() ?? false),
            "BinaryIoU" => new BinaryIoU(Ints("target_class_ids"), c["threshold"]?.GetValue<double>() ?? 0.5, name),
            _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"saved metric class '{className}' is unknown; saved metric objects are PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, Precision, Recall, AUC and the IoU metrics")),
        };
    }
}
