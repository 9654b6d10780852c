using Degenerate.Metrics;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;
using static Degenerate.Tests.Models.FusedTrainingTests;

namespace Degenerate.Tests.Metrics;

/// <summary>
/// The threshold-search metrics, top-k precision/recall and label-weighted AUCs as compiled metric objects (plain and
/// weighted): the fused plan, which updates them once per epoch with every row, logs what the op-by-op path logs
/// updating them batch by batch; and both equal the metric run standalone on the model's own predictions.
/// </summary>
[Collection(Serial.Name)]
public class ThresholdSearchMetricsInFitTests
{
    private static Metric[] Plain() =>
    [
        new PrecisionAtRecall(0.6), new RecallAtPrecision(0.7, numThresholds: 50), new SensitivityAtSpecificity(0.5, classId: 1),
        new SpecificityAtSensitivity(0.5), new Precision(topK: 1), new Recall(topK: 1, name: "recall_top1"),
        new AUC(multiLabel: true, labelWeights: [0.75, 0.25], name: "auc_ml"), new AUC(labelWeights: [0.75, 0.25], name: "auc_flat"),
        new BinaryIoU([1], threshold: 0.4), new OneHotMeanIoU(2),
    ];

    private static Metric[] Weighted() => [new PrecisionAtRecall(0.6), new AUC(multiLabel: true, labelWeights: [1, 3], name: "auc_ml")];

    private static History Train(bool eager, Sequential fresh, Optimizer optimizer)
    {
        var (x, y, w) = Data(37, 3, 2, binary: true);
        using var model = Model("tanh", "bce/sigmoid", "adam", DType.Float64, fresh);
        model.Compile(optimizer, model.Loss!, Plain(), Weighted());
        model.RunEagerly = eager;
        if (!eager) Assert.NotNull(TrainingPlan.ForTraining(model, []));
        Degenerate.Random.Seed(5);
        return model.Fit(x, y, epochs: 3, batchSize: 8, validationSplit: 0.2, sampleWeight: w, verbose: 0);
    }

    [SkippableFact]
    public void FusedPlanAndOpByOpPathLogTheSameFigures()
    {
        Skip.If(Engine.Current.FusedKernels is null, $"the {Engine.Name} engine has no fused training plans");
        using var fresh = Model("tanh", "bce/sigmoid", "adam", DType.Float64, null);
        var eager = Train(true, fresh, MakeOptimizer("adam"));
        var plan = Train(false, fresh, MakeOptimizer("adam"));
        string[] keys = ["precision_at_recall", "recall_at_precision", "sensitivity_at_specificity", "specificity_at_sensitivity",
            "precision", "recall_top1", "auc_ml", "auc_flat", "binary_io_u", "one_hot_mean_io_u", "weighted_precision_at_recall", "weighted_auc_ml"];
        foreach (var key in keys.Concat(keys.Select(k => "val_" + k)))
        {
            Assert.True(eager.Keys.Contains(key), $"{key} missing from {string.Join(", ", eager.Keys)}");
            for (var i = 0; i < 3; i++)
                Assert.True(Math.Abs(eager[key][i] - plan[key][i]) <= 1e-12, $"{key} epoch {i}: op by op {eager[key][i]:R}, plan {plan[key][i]:R}");
        }
    }

    [Fact]
    public void EvaluateEqualsTheMetricOnThePredictions()
    {
        var (x, y, w) = Data(29, 3, 2, binary: true);
        using var model = Model("tanh", "bce/sigmoid", "adam", DType.Float64, null);
        model.Compile(MakeOptimizer("adam"), model.Loss!, Plain(), Weighted());
        var logs = model.Evaluate(x, y, batchSize: 4, sampleWeight: w);
        using var scope = new DisposeScope();
        var p = model.Predict(Tensor.FromArray(x));
        var yt = Tensor.FromArray(y);
        foreach (var m in Plain())
        {
            m.UpdateState(yt, p);
            Assert.Equal(m.Result(), logs[m.Name], 1e-12);
        }
        using var weighted = new AUC(multiLabel: true, labelWeights: [1, 3]);
        weighted.UpdateState(yt, p, Tensor.FromArray(w));
        Assert.Equal(weighted.Result(), logs["weighted_auc_ml"], 1e-12);
    }

    [Fact]
    public void MetricObjectsAreSavedAndLoadedWithTheirSettings()
    {
        var path = Path.Combine(Path.GetTempPath(), $"threshold-metrics-{Guid.NewGuid():N}.dgm");
        try
        {
            var (x, y, w) = Data(29, 3, 2, binary: true);
            using var model = Model("tanh", "bce/sigmoid", "adam", DType.Float64, null);
            model.Compile(MakeOptimizer("adam"), model.Loss!,
                [.. Plain(), new PrecisionAtRecall(0.4, numThresholds: 7, classId: 1, name: "par7"), new Precision([0.3, 0.6], topK: 1, name: "p2"),
                 new AUC(thresholds: [0.2, 0.7], curve: "PR", summationMethod: "majoring", name: "auc_manual")],
                [new RecallAtPrecision(0.55, name: "rap"), new AUC(fromLogits: true, name: "auc_logits")]);
            model.Save(path);
            using var loaded = Sequential.Load(path);
            Assert.Equal(model.Metrics.Select(m => (m.GetType(), m.Name)), loaded.Metrics.Select(m => (m.GetType(), m.Name)));
            Assert.Equal(["rap", "auc_logits"], loaded.WeightedMetrics.Select(m => m.Name));
            var par = Assert.IsType<PrecisionAtRecall>(loaded.Metrics.Single(m => m.Name == "par7"));
            Assert.Equal((0.4, 7, (int?)1), (par.Value, par.NumThresholds, par.ClassId));
            var p2 = Assert.IsType<Precision>(loaded.Metrics.Single(m => m.Name == "p2"));
            Assert.Equal([0.3, 0.6], p2.Thresholds);
            Assert.Equal(1, p2.TopK);
            Assert.Equal([ConfusionStateNegInf], Assert.IsType<Precision>(loaded.Metrics.Single(m => m.Name == "precision")).Thresholds);
            var ml = Assert.IsType<AUC>(loaded.Metrics.Single(m => m.Name == "auc_ml"));
            Assert.True(ml.MultiLabel);
            Assert.Equal([0.75, 0.25], ml.LabelWeights!);
            var manual = Assert.IsType<AUC>(loaded.Metrics.Single(m => m.Name == "auc_manual"));
            Assert.Equal(new[] { -1e-7, 0.2, 0.7, 1 + 1e-7 }, manual.Thresholds);
            Assert.Equal(("PR", "majoring"), (manual.Curve, manual.SummationMethod));
            Assert.True(Assert.IsType<AUC>(loaded.WeightedMetrics[1]).FromLogits);
            var biou = Assert.IsType<BinaryIoU>(loaded.Metrics.Single(m => m.Name == "binary_io_u"));
            Assert.Equal((0.4, 2), (biou.Threshold, biou.NumClasses));
            Assert.Equal([1], biou.TargetClassIds);
            Assert.False(Assert.IsType<OneHotMeanIoU>(loaded.Metrics.Single(m => m.Name == "one_hot_mean_io_u")).SparseYTrue);
            // Evaluated alike, every figure.
            var a = model.Evaluate(x, y, batchSize: 8, sampleWeight: w);
            var b = loaded.Evaluate(x, y, batchSize: 8, sampleWeight: w);
            Assert.Equal(a.Keys.Order(), b.Keys.Order());
            foreach (var key in a.Keys) Assert.Equal(a[key], b[key], 1e-12);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const double ConfusionStateNegInf = -1e10;
}
