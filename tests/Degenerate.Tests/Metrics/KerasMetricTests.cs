using System.Text.Json;
using Degenerate.Metrics;
using Degenerate.Tensors;

namespace Degenerate.Tests.Metrics;

// Keras 3's stateful metrics, each replaying the docstring example of its class in keras/src/metrics/*.py (or the
// numbers of the matching *_test.py), to Keras's printed precision.
public class KerasMetricTests
{
    private static double Run(Metric m, double[,] yTrue, double[,] yPred, double[]? w = null, Device? device = null) =>
        RunVector(m, yTrue, yPred, w, device).Single();

    private static double[] RunVector(Metric m, double[,] yTrue, double[,] yPred, double[]? w = null, Device? device = null)
    {
        using var scope = new DisposeScope();
        m.ResetState();
        m.UpdateState(Tensor.FromArray(yTrue, device), Tensor.FromArray(yPred, device), w is null ? null : Tensor.FromArray(w, device));
        return m.ResultVector();
    }

    private static double[,] Column(params double[] v)
    {
        var m = new double[v.Length, 1];
        for (var i = 0; i < v.Length; i++) m[i, 0] = v[i];
        return m;
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void AucMatchesKerasDocstringAndTests(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        // AUC docstring: num_thresholds=3, thresholds [−1e-7, 0.5, 1 + 1e-7].
        var t = Column(0, 0, 1, 1);
        var p = Column(0, 0.5, 0.3, 0.9);
        using var m = new AUC(numThresholds: 3);
        Assert.Equal([-1e-7, 0.5, 1 + 1e-7], m.Thresholds);
        Assert.Equal(0.75, Run(m, t, p, device: device), 1e-7);
        Assert.Equal(1.0, Run(m, t, p, [1, 0, 0, 1], device), 1e-7);
        // confusion_metrics_test.AUCTest with sample_weight [1, 2, 3, 4]: tp [7, 4, 0], fp [3, 0, 0], fn [0, 3, 7], tn [0, 3, 3].
        double[] w = [1, 2, 3, 4];
        Assert.Equal(0.7855, Run(new AUC(3), t, p, w, device), 1e-3);                                           // test_weighted_roc_interpolation
        Assert.Equal(1.0, Run(new AUC(3, summationMethod: "majoring"), t, p, w, device), 1e-3);               // test_weighted_roc_majoring
        Assert.Equal(0.571, Run(new AUC(3, summationMethod: "minoring"), t, p, w, device), 1e-3);             // test_weighted_roc_minoring
        Assert.Equal(1.0, Run(new AUC(3, curve: "PR", summationMethod: "majoring"), t, p, w, device), 1e-3);  // test_weighted_pr_majoring
        Assert.Equal(0.7 * 0.429, Run(new AUC(3, curve: "PR", summationMethod: "minoring"), t, p, w, device), 1e-3);
        Assert.Equal(2.416 / 7 + 4.0 / 7, Run(new AUC(3, curve: "PR"), t, p, w, device), 1e-3);              // test_weighted_pr_interpolation
        Assert.Equal(0, Run(new AUC(3, curve: "PR"), t, p, [-1, -2, -3, -4], device), 1e-12);                 // ..._negative_weights
        // test_unweighted_from_logits: logits of the same probabilities (Keras adds 1e-7 to dodge log 0 in float32;
        // in float64 that would push 0.5 just above the 0.5 threshold, so the exact logits are used: −∞ for 0).
        var logits = Column(new[] { 0, 0.5, 0.3, 0.9 }.Select(v => Math.Log(v / (1 - v))).ToArray());
        Assert.Equal(0.75, Run(new AUC(3, fromLogits: true), t, logits, device: device), 1e-3);
        // test_manual_thresholds, test_unweighted_all_correct (200 thresholds).
        Assert.Equal(0.75, Run(new AUC(thresholds: [0.5]), t, p, device: device), 1e-3);
        Assert.Equal(1.0, Run(new AUC(), t, t, device: device), 1e-12);
    }

    [Fact]
    public void AucRefusesBadSettings()
    {
        Assert.Equal("numThresholds", Assert.Throws<ArgumentOutOfRangeException>(() => new AUC(1)).ParamName);
        Assert.Equal("curve", Assert.Throws<ArgumentException>(() => new AUC(curve: "PRX")).ParamName);
        Assert.Equal("summationMethod", Assert.Throws<ArgumentException>(() => new AUC(summationMethod: "trapezoid")).ParamName);
        Assert.Equal("thresholds", Assert.Throws<ArgumentOutOfRangeException>(() => new AUC(thresholds: [1.5])).ParamName);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void PrecisionRecallAndCountsMatchKerasDocstrings(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        var t = Column(0, 1, 1, 1);
        var p = Column(1, 0, 1, 1);
        Assert.Equal(0.6666667, Run(new Precision(), t, p, device: device), 1e-7);
        Assert.Equal(1.0, Run(new Precision(), t, p, [0, 0, 1, 0], device), 1e-12);
        Assert.Equal(0.6666667, Run(new Recall(), t, p, device: device), 1e-7);
        Assert.Equal(1.0, Run(new Recall(), t, p, [0, 0, 1, 0], device), 1e-12);
        // One result per threshold: at 0.5 and at 1 (nothing is above 1, so precision 0 by divide_no_nan).
        Assert.Equal([2.0 / 3, 0], RunVector(new Precision([0.5, 1.0]), t, p, device: device), new Tolerance(1e-12));
        // classId: only column 1 counts.
        double[,] tc = { { 1, 0 }, { 0, 1 }, { 0, 1 } };
        double[,] pc = { { 0.9, 0.8 }, { 0.1, 0.7 }, { 0.2, 0.3 } };
        Assert.Equal(0.5, Run(new Precision(classId: 1), tc, pc, device: device), 1e-12);
        Assert.Equal(0.5, Run(new Recall(classId: 1), tc, pc, device: device), 1e-12);
        // FalsePositives / FalseNegatives / TrueNegatives / TruePositives docstrings.
        Assert.Equal(2.0, Run(new ConfusionCount(ConfusionCount.Cell.FalsePositives), Column(0, 1, 0, 0), Column(0, 0, 1, 1), device: device));
        Assert.Equal(1.0, Run(new ConfusionCount(ConfusionCount.Cell.FalsePositives), Column(0, 1, 0, 0), Column(0, 0, 1, 1), [0, 0, 1, 0], device));
        Assert.Equal(2.0, Run(new ConfusionCount(ConfusionCount.Cell.FalseNegatives), Column(0, 1, 1, 1), Column(0, 1, 0, 0), device: device));
        Assert.Equal(1.0, Run(new ConfusionCount(ConfusionCount.Cell.FalseNegatives), Column(0, 1, 1, 1), Column(0, 1, 0, 0), [0, 0, 1, 0], device));
        Assert.Equal(2.0, Run(new ConfusionCount(ConfusionCount.Cell.TrueNegatives), Column(0, 1, 0, 0), Column(1, 1, 0, 0), device: device));
        Assert.Equal(1.0, Run(new ConfusionCount(ConfusionCount.Cell.TrueNegatives), Column(0, 1, 0, 0), Column(1, 1, 0, 0), [0, 0, 1, 0], device));
        Assert.Equal(2.0, Run(new ConfusionCount(ConfusionCount.Cell.TruePositives), Column(0, 1, 1, 1), Column(1, 0, 1, 1), device: device));
        Assert.Equal(1.0, Run(new ConfusionCount(ConfusionCount.Cell.TruePositives), Column(0, 1, 1, 1), Column(1, 0, 1, 1), [0, 0, 1, 0], device));
    }

    private static readonly double[,] F1True = { { 1, 1, 1 }, { 1, 0, 0 }, { 1, 1, 0 } };
    private static readonly double[,] F1Pred = { { 0.2, 0.6, 0.7 }, { 0.2, 0.6, 0.6 }, { 0.6, 0.8, 0.0 } };

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void FScoresMatchKerasDocstringsAndTests(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        Assert.Equal([0.5, 0.8, 0.6666667], RunVector(new F1Score(threshold: 0.5), F1True, F1Pred, device: device), new Tolerance(1e-6));
        Assert.Equal([0.3846154, 0.90909094, 0.8333334], RunVector(new FBetaScore(beta: 2.0, threshold: 0.5), F1True, F1Pred, device: device), new Tolerance(1e-6));
        // f_score_metrics_test.test_fbeta_random_score (threshold 0.66).
        double[,] yt = { { 0, 0, 1 }, { 1, 1, 0 }, { 1, 1, 1 } };
        double[,] yp = { { 0.7, 0.7, 0.7 }, { 1, 0, 0 }, { 0.9, 0.8, 0 } };
        Assert.Equal([0.71428573, 0.5, 0.833334], RunVector(new FBetaScore(beta: 0.5, threshold: 0.66), yt, yp, device: device), new Tolerance(1e-5));
        Assert.Equal(0.6666667, Run(new F1Score("micro", 0.66), yt, yp, device: device), 1e-5);
        Assert.Equal(0.6555555, Run(new F1Score("macro", 0.66), yt, yp, device: device), 1e-5);
        Assert.Equal(0.6548822, Run(new FBetaScore("weighted", 2.0, 0.66), yt, yp, device: device), 1e-5);
        // test_fbeta_weighted_random_score_none (threshold None: the row's maximum is the positive).
        double[,] st = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 0, 0 }, { 1, 0, 0 }, { 0, 0, 1 } };
        double[,] sp = { { 0.9, 0.1, 0 }, { 0.2, 0.6, 0.2 }, { 0, 0, 1 }, { 0.4, 0.3, 0.3 }, { 0, 0.9, 0.1 }, { 0, 0, 1 } };
        double[] sw = [0.5, 1.0, 1.0, 1.0, 0.5, 1.0];
        Assert.Equal([0.857143, 0.8, 1.0], RunVector(new F1Score(), st, sp, sw, device), new Tolerance(1e-5));
        Assert.Equal(0.9, Run(new F1Score("micro"), st, sp, sw, device), 1e-5);
        Assert.Equal(0.885714, Run(new F1Score("macro"), st, sp, sw, device), 1e-5);
        Assert.Equal(0.902857, Run(new F1Score("weighted"), st, sp, sw, device), 1e-5);
        Assert.Equal(0.829365, Run(new FBetaScore("weighted", 2.0), st, sp, device: device), 1e-5);
    }

    [Fact]
    public void FScoreRefusesBadSettings()
    {
        Assert.Equal("average", Assert.Throws<ArgumentException>(() => new F1Score("invalid_average")).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new FBetaScore(beta: 0)).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new F1Score(threshold: 1.1)).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new F1Score(threshold: 0)).ParamName);
        using var scope = new DisposeScope();
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            var f = new F1Score();
            f.UpdateState(Tensor.FromArray(F1True), Tensor.FromArray(F1Pred));
            return f.Result();
        });
        Assert.Contains("ResultVector", e.Message);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void RegressionMetricsMatchKerasDocstringsAndTests(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] t = { { 0, 1 }, { 0, 0 } };
        double[,] p = { { 1, 1 }, { 0, 0 } };
        Assert.Equal(0.5, Run(new RootMeanSquaredError(), t, p, device: device), 1e-12);
        Assert.Equal(0.70710677, Run(new RootMeanSquaredError(), t, p, [1, 0], device), 1e-7);
        Assert.Equal(0.57142854, Run(new R2Score(), Column(1, 4, 3), Column(2, 4, 4), device: device), 1e-7);
        // regression_metrics_test.test_r2_sklearn_comparison and test_r2_tfa_comparison.
        double[,] rt = { { 0, 0, 1 }, { 0, 1, 0 }, { 1, 0, 0 } };
        double[,] rp = { { 0.4, 0.5, 0.6 }, { 0.1, 0.2, 0.3 }, { 0.5, 0.8, 0.2 } };
        Assert.Equal([0.37, -1.295, 0.565], RunVector(new R2Score(null), rt, rp, device: device), new Tolerance(1e-3));
        Assert.Equal([-0.26, -3.59, 0.13], RunVector(new R2Score(null, 1), rt, rp, device: device), new Tolerance(1e-3));
        Assert.Equal(-0.12, Run(new R2Score(), rt, rp, device: device), 1e-3);
        Assert.Equal(-0.12, Run(new R2Score("variance_weighted_average"), rt, rp, device: device), 1e-3);
        double[,] tp = { { 0.4, 0.9, 1.6 }, { 0.1, 1.2, 0.6 }, { 1.5, 0.8, 0.6 } };
        double[] tw = [0.8, 0.1, 0.4];
        Assert.Equal([0.17305559, -8.836666, -0.521], RunVector(new R2Score(null), rt, tp, tw, device), new Tolerance(1e-5));
        Assert.Equal(-7.123073577880859, Run(new R2Score("uniform_average", 1), rt, tp, tw, device), 1e-5);
        Assert.Equal(-3.0615367889404297, Run(new R2Score("uniform_average", 2), rt, tp, tw, device), 1e-5); // n − 1 = p: plain R²
        Assert.Equal(-3.742044448852539, Run(new R2Score("variance_weighted_average", 1), rt, tp, tw, device), 1e-5);
        Assert.Equal("classAggregation", Assert.Throws<ArgumentException>(() => new R2Score("wrong")).ParamName);
        Assert.Equal("numRegressors", Assert.Throws<ArgumentOutOfRangeException>(() => new R2Score(numRegressors: -1)).ParamName);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void TopKAndProbabilisticMetricsMatchKerasDocstrings(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] scores = { { 0.1, 0.9, 0.8 }, { 0.05, 0.95, 0 } };
        Assert.Equal(0.5, Run(new TopKCategoricalAccuracy(1), new double[,] { { 0, 0, 1 }, { 0, 1, 0 } }, scores, device: device), 1e-12);
        Assert.Equal(1.0, Run(new TopKCategoricalAccuracy(2), new double[,] { { 0, 0, 1 }, { 0, 1, 0 } }, scores, device: device), 1e-12);
        using (var scope = new DisposeScope())
        {
            var sparse = new SparseTopKCategoricalAccuracy(1);
            sparse.UpdateState(Tensor.FromArray(new long[] { 2, 1 }, device), Tensor.FromArray(scores, device));
            Assert.Equal(0.5, sparse.Result(), 1e-12);
            sparse.ResetState();
            sparse.UpdateState(Tensor.FromArray(new long[] { 2, 1 }, device), Tensor.FromArray(scores, device), Tensor.FromArray(new[] { 0.7, 0.3 }, device));
            Assert.Equal(0.3, sparse.Result(), 1e-12);
        }
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => new TopKCategoricalAccuracy(0)).ParamName);

        double[,] t = { { 0, 1 }, { 0, 0 } };
        double[,] p = { { 0.6, 0.4 }, { 0.4, 0.6 } };
        Assert.Equal(0.81492424, Run(new BinaryCrossentropy(), t, p, device: device), 1e-6);
        Assert.Equal(0.9162905, Run(new BinaryCrossentropy(), t, p, [1, 0], device), 1e-6);
        Assert.Equal(0.45814306, Run(Metric.Get("kl_divergence"), t, p, device: device), 1e-6);
        Assert.Equal(0.9162892, Run(Metric.Get("kl_divergence"), t, p, [1, 0], device), 1e-5);
        Assert.Equal(0.49999997, Run(Metric.Get("poisson"), t, new double[,] { { 1, 1 }, { 0, 0 } }, device: device), 1e-6);
        Assert.Equal(0.99999994, Run(Metric.Get("poisson"), t, new double[,] { { 1, 1 }, { 0, 0 } }, [1, 0], device), 1e-6);
        double[,] ct = { { 0, 1, 0 }, { 0, 0, 1 } };
        double[,] cp = { { 0.05, 0.95, 0 }, { 0.1, 0.8, 0.1 } };
        Assert.Equal(1.1769392, Run(new CategoricalCrossentropy(), ct, cp, device: device), 1e-6);
        Assert.Equal(1.6271976, Run(new CategoricalCrossentropy(), ct, cp, [0.3, 0.7], device), 1e-6);
    }

    // Random data in two batches against a NumPy re-implementation of Keras's formulas (tests/fixtures/metrics):
    // 200-threshold AUCs (ROC and PR, every summation, pooled and multi-label, weighted or not), F1 averages, precision,
    // recall; two UpdateState calls must equal one call on all rows.
    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void StreamedBatchesMatchTheNumPyReference(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "metrics", "keras_metrics.json")));
        var root = doc.RootElement;
        double[,] Matrix(string key)
        {
            var rows = root.GetProperty(key).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            var m = new double[rows.Length, rows[0].Length];
            for (var i = 0; i < rows.Length; i++) for (var j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
            return m;
        }
        var yt = Matrix("y_true");
        var yp = Matrix("y_pred");
        var w = root.GetProperty("weights").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var expected = root.GetProperty("expected");

        double[] Stream(Metric m, bool weighted)
        {
            using var scope = new DisposeScope();
            var t = Tensor.FromArray(yt, device);
            var p = Tensor.FromArray(yp, device);
            var wt = Tensor.FromArray(w, device);
            foreach (var (a, b) in new[] { (0L, 17L), (17L, 40L) })
                m.UpdateState(t.Slice(0, a, b), p.Slice(0, a, b), weighted ? wt.Slice(0, a, b) : null);
            return m.ResultVector();
        }

        var checkedCount = 0;
        foreach (var curve in new[] { "ROC", "PR" })
            foreach (var summation in new[] { "interpolation", "minoring", "majoring" })
                foreach (var multi in new[] { false, true })
                    foreach (var weighted in new[] { false, true })
                    {
                        var key = $"auc_{curve}_{summation}_{(multi ? "multi" : "pooled")}_{(weighted ? "w" : "u")}";
                        var value = Stream(new AUC(curve: curve, summationMethod: summation, multiLabel: multi), weighted).Single();
                        Assert.True(Math.Abs(expected.GetProperty(key).GetDouble() - value) < 1e-9, $"{key}: {value}");
                        checkedCount++;
                    }
        foreach (var average in new string?[] { null, "micro", "macro", "weighted" })
            foreach (var threshold in new double?[] { null, 0.5 })
                foreach (var weighted in new[] { false, true })
                {
                    var key = $"f1_{average ?? "None"}_{(threshold is null ? "None" : "0.5")}_{(weighted ? "w" : "u")}";
                    var value = Stream(new F1Score(average, threshold), weighted);
                    var reference = expected.GetProperty(key);
                    double[] want = reference.ValueKind == JsonValueKind.Array
                        ? reference.EnumerateArray().Select(v => v.GetDouble()).ToArray()
                        : [reference.GetDouble()];
                    Assert.Equal(want, value, new Tolerance(1e-9));
                    checkedCount++;
                }
        Assert.Equal(expected.GetProperty("precision_w").GetDouble(), Stream(new Precision(), true).Single(), 1e-12);
        Assert.Equal(expected.GetProperty("recall_w").GetDouble(), Stream(new Recall(), true).Single(), 1e-12);
        Assert.Equal(40, checkedCount);
    }

    [Fact]
    public void NamesResolveAsKerasAndAreLoggedAsGiven()
    {
        foreach (var (name, type) in new (string, Type)[]
        {
            ("auc", typeof(AUC)), ("AUC", typeof(AUC)), ("precision", typeof(Precision)), ("recall", typeof(Recall)),
            ("f1_score", typeof(F1Score)), ("root_mean_squared_error", typeof(RootMeanSquaredError)), ("r2_score", typeof(R2Score)),
            ("top_k_categorical_accuracy", typeof(TopKCategoricalAccuracy)),
            ("sparse_top_k_categorical_accuracy", typeof(SparseTopKCategoricalAccuracy)),
            ("true_positives", typeof(ConfusionCount)), ("mape", typeof(LossMetric)), ("binary_crossentropy", typeof(LossMetric)),
        })
        {
            var m = Metric.Get(name);
            Assert.IsAssignableFrom(type, m);
            Assert.Equal(name, m.Name);
        }
        // Keras 3 chooses the accuracy from shapes, not from the loss: a 3-unit sigmoid output with binary
        // cross-entropy gets categorical accuracy (compile_utils.get_metric); one unit gets binary accuracy.
        Assert.IsType<CategoricalAccuracy>(Metric.Get("accuracy", new Degenerate.Losses.BinaryCrossentropy(), 3));
        Assert.IsType<BinaryAccuracy>(Metric.Get("accuracy", new Degenerate.Losses.BinaryCrossentropy(), 1));
        Assert.IsType<SparseCategoricalAccuracy>(Metric.Get("acc", new Degenerate.Losses.SparseCategoricalCrossentropy(), 4));
        var e = Assert.Throws<ArgumentException>(() => Metric.Get("auroc"));
        Assert.Contains("auc", e.Message);
    }

    [Fact]
    public void BadInputIsRefusedWithTheShapes()
    {
        using var scope = new DisposeScope();
        var auc = new AUC();
        var e = Assert.Throws<ArgumentException>(() => auc.UpdateState(Tensor.FromArray(new double[,] { { 1, 0 } }), Tensor.FromArray(new double[,] { { 0.5 } })));
        Assert.Contains("[1, 2]", e.Message);
        var w = Assert.Throws<ArgumentException>(() => new Precision().UpdateState(Column(1, 0).ToTensor(), Column(0.2, 0.7).ToTensor(), Tensor.FromArray(new[] { 1.0 })));
        Assert.Equal("sampleWeight", w.ParamName);
        var c = Assert.Throws<ArgumentException>(() => new Precision(classId: 3).UpdateState(Column(1, 0).ToTensor(), Column(0.2, 0.7).ToTensor()));
        Assert.Contains("classId 3", c.Message);
    }
}

public class MetricLifetimeTests
{
    [Fact]
    public void ADisposedMetricThrowsAndDirectionsFollowKeras()
    {
        using var scope = new DisposeScope();
        var auc = new AUC();
        auc.UpdateState(Tensor.FromArray(new double[,] { { 1 }, { 0 } }), Tensor.FromArray(new double[,] { { 0.8 }, { 0.3 } }));
        Assert.Equal(1.0, auc.Result(), 1e-12);
        auc.Dispose();
        Assert.True(auc.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => auc.Result());
        Assert.Throws<ObjectDisposedException>(() => auc.ResetState());
        Assert.Throws<ObjectDisposedException>(() => auc.UpdateState(Tensor.FromArray(new double[,] { { 1 } }), Tensor.FromArray(new double[,] { { 0.5 } })));
        auc.Dispose(); // twice is fine

        // Keras's _direction: "up" for these, "down" for errors and losses (EarlyStopping's mode "auto" reads it).
        foreach (var name in new[] { "accuracy", "auc", "precision", "recall", "f1_score", "r2_score", "top_k_categorical_accuracy", "true_positives" })
            Assert.True(Metric.Get(name).HigherIsBetter, name);
        foreach (var name in new[] { "mse", "mae", "root_mean_squared_error", "binary_crossentropy", "false_negatives", "mape" })
            Assert.False(Metric.Get(name).HigherIsBetter, name);
    }

    [Fact]
    public void ADisposedMetricGivenToCompileStopsFit()
    {
        var precision = new Precision();
        using var model = new Degenerate.Models.Sequential(new Degenerate.Layers.Dense(1, "sigmoid", inputDim: 1));
        model.Compile(new Degenerate.Optimizers.SGD(), new Degenerate.Losses.BinaryCrossentropy(), [precision]);
        precision.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Fit(new double[] { 0, 1 }, new double[] { 0, 1 }, verbose: 0));
    }
}

internal static class MatrixExtensions
{
    public static Tensor ToTensor(this double[,] m) => Tensor.FromArray(m);
}
