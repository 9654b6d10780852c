using Degenerate.Metrics;
using Degenerate.Tensors;

namespace Degenerate.Tests.Metrics;

// PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, Precision/Recall top_k and
// AUC label_weights, each replaying the docstring example or unit-test numbers of keras/src/metrics/confusion_metrics.py
// and confusion_metrics_test.py (Keras 3). Predictions are float32, as Keras's tests make them.
public class KerasThresholdSearchMetricTests
{
    private static double[] RunVector(Metric m, double[,] yTrue, double[,] yPred, double[]? w = null, Device? device = null)
    {
        using var scope = new DisposeScope();
        m.ResetState();
        m.UpdateState(Tensor.FromArray(yTrue, device), Tensor.FromArray(yPred, device, DType.Float32),
            w is null ? null : Tensor.FromArray(w, device));
        return m.ResultVector();
    }

    private static double Run(Metric m, double[,] yTrue, double[,] yPred, double[]? w = null, Device? device = null) =>
        RunVector(m, yTrue, yPred, w, device).Single();

    private static double[,] Column(params double[] v)
    {
        var m = new double[v.Length, 1];
        for (var i = 0; i < v.Length; i++) m[i, 0] = v[i];
        return m;
    }

    private static double[,] Row(params double[] v)
    {
        var m = new double[1, v.Length];
        for (var i = 0; i < v.Length; i++) m[0, i] = v[i];
        return m;
    }

    // The same predictions in three columns, one-hot targets of the labels (the tests' class_id cases).
    private static (double[,] T, double[,] P) ThreeClasses(double[] pred, int[] labels)
    {
        var t = new double[pred.Length, 3];
        var p = new double[pred.Length, 3];
        for (var i = 0; i < pred.Length; i++)
        {
            t[i, labels[i]] = 1;
            for (var c = 0; c < 3; c++) p[i, c] = pred[i];
        }
        return (t, p);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void AtRecallAndAtPrecisionMatchKeras(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        // Docstrings.
        var t = Column(0, 0, 0, 1, 1);
        var p = Column(0, 0.3, 0.8, 0.3, 0.8);
        Assert.Equal(0.5, Run(new PrecisionAtRecall(0.5), t, p, device: device), 1e-6);
        Assert.Equal(0.33333333, Run(new PrecisionAtRecall(0.5), t, p, [2, 2, 2, 1, 1], device), 1e-6);
        var t4 = Column(0, 0, 1, 1);
        var p4 = Column(0, 0.5, 0.3, 0.9);
        Assert.Equal(0.5, Run(new RecallAtPrecision(0.8), t4, p4, device: device), 1e-6);
        Assert.Equal(1.0, Run(new RecallAtPrecision(0.8), t4, p4, [1, 0, 0, 1], device), 1e-6);
        // PrecisionAtRecallTest.
        double[] pv = [0.0, 0.1, 0.2, 0.5, 0.6, 0.2, 0.5, 0.6, 0.8, 0.9];
        double[] lv = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
        Assert.Equal(2.0 / 3, Run(new PrecisionAtRecall(0.8), Column(lv), Column(pv), device: device), 1e-6); // test_unweighted_high_recall
        Assert.Equal(0.75, Run(new PrecisionAtRecall(0.6), Column(lv), Column(pv), device: device), 1e-6);    // test_unweighted_low_recall
        var (tc, pc) = ThreeClasses(pv, lv.Select(v => v == 1 ? 2 : 0).ToArray());
        Assert.Equal(0.75, Run(new PrecisionAtRecall(0.6, classId: 2), tc, pc, device: device), 1e-6);      // test_unweighted_class_id
        Assert.Equal(0.7, Run(new PrecisionAtRecall(7.0 / 8), Column(lv), Column(pv), [2, 1, 2, 1, 2, 1, 2, 2, 1, 2], device), 1e-6);
        // RecallAtPrecisionTest.
        double[] rp = [0.05, 0.1, 0.2, 0.3, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.9, 0.95];
        double[] rl = [0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1];
        Assert.Equal(0.5, Run(new RecallAtPrecision(0.75), Column(rl), Column(rp), device: device), 1e-6);          // high precision
        Assert.Equal(5.0 / 6, Run(new RecallAtPrecision(2.0 / 3), Column(rl), Column(rp), device: device), 1e-6);   // low precision
        var (rtc, rpc) = ThreeClasses(rp, rl.Select(v => v == 1 ? 2 : 0).ToArray());
        Assert.Equal(5.0 / 6, Run(new RecallAtPrecision(2.0 / 3, classId: 2), rtc, rpc, device: device), 1e-6);
        Assert.Equal(0.6, Run(new RecallAtPrecision(0.75), Column(0, 1, 0, 0, 0, 1, 1), Column(0.1, 0.2, 0.3, 0.5, 0.6, 0.9, 0.9),
            [1, 2, 1, 2, 1, 2, 1], device), 1e-6);                                                                    // test_weighted
        Assert.Equal(0, Run(new RecallAtPrecision(2.0 / 3), Column(1, 1, 0, 0), Column(0.1, 0.2, 0.3, 0.9), device: device), 1e-12); // unachievable
        // test_unweighted_all_correct: predictions equal to 0/1 targets.
        var inputs = Column(Enumerable.Range(0, 100).Select(i => (double)((i * 7 + 3) % 5 < 2 ? 1 : 0)).ToArray());
        Assert.Equal(1.0, Run(new PrecisionAtRecall(0.7), inputs, inputs, device: device), 1e-12);
        Assert.Equal(1.0, Run(new RecallAtPrecision(0.7), inputs, inputs, device: device), 1e-12);
        Assert.Equal(1.0, Run(new SensitivityAtSpecificity(0.7), inputs, inputs, device: device), 1e-12);
        Assert.Equal(1.0, Run(new SpecificityAtSensitivity(0.7), inputs, inputs, device: device), 1e-12);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void SensitivityAndSpecificityMatchKeras(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        var t = Column(0, 0, 0, 1, 1);
        var p = Column(0, 0.3, 0.8, 0.3, 0.8);
        Assert.Equal(0.5, Run(new SensitivityAtSpecificity(0.5), t, p, device: device), 1e-6);                     // docstring
        Assert.Equal(0.333333, Run(new SensitivityAtSpecificity(0.5), t, p, [1, 1, 2, 2, 1], device), 1e-6);
        Assert.Equal(0.66666667, Run(new SpecificityAtSensitivity(0.5), t, p, device: device), 1e-6);
        Assert.Equal(0.5, Run(new SpecificityAtSensitivity(0.5), t, p, [1, 1, 2, 2, 2], device), 1e-6);
        double[] lv = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
        Assert.Equal(0.8, Run(new SensitivityAtSpecificity(0.8), Column(lv), Column(0.0, 0.1, 0.2, 0.3, 0.4, 0.1, 0.45, 0.5, 0.8, 0.9), device: device), 1e-6);
        double[] low = [0.0, 0.1, 0.2, 0.3, 0.4, 0.01, 0.02, 0.25, 0.26, 0.26];
        Assert.Equal(0.6, Run(new SensitivityAtSpecificity(0.4), Column(lv), Column(low), device: device), 1e-6);    // low specificity
        Assert.Equal(0.675, Run(new SensitivityAtSpecificity(0.4), Column(lv), Column(low), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], device), 1e-6);
        var (tc, pc) = ThreeClasses(low, lv.Select(v => v == 1 ? 2 : 0).ToArray());
        Assert.Equal(0.6, Run(new SpecificityAtSensitivity(0.4, classId: 2), tc, pc, device: device), 1e-6);      // test_unweighted_class_id
        // SpecificityAtSensitivityTest: high and low sensitivity, weighted.
        Assert.Equal(0.2, Run(new SpecificityAtSensitivity(1.0), Column(lv), Column(low), device: device), 1e-6);
        Assert.Equal(0.6, Run(new SpecificityAtSensitivity(0.4), Column(lv), Column(low), device: device), 1e-6);
        Assert.Equal(0.4, Run(new SpecificityAtSensitivity(0.4), Column(lv), Column(low), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], device), 1e-6);
        // num_thresholds=1 is the single threshold 0.5.
        Assert.Equal([0.5], new PrecisionAtRecall(0.5, numThresholds: 1).Thresholds);
        Assert.Equal(200, new PrecisionAtRecall(0.5).Thresholds.Count);
        Assert.Equal(1.0 / 199, new PrecisionAtRecall(0.5).Thresholds[1], 1e-15);
    }

    [Fact]
    public void ThresholdSearchMetricsRefuseBadSettings()
    {
        Assert.Equal("recall", Assert.Throws<ArgumentOutOfRangeException>(() => new PrecisionAtRecall(-1)).ParamName);
        Assert.Equal("precision", Assert.Throws<ArgumentOutOfRangeException>(() => new RecallAtPrecision(1.5)).ParamName);
        Assert.Equal("specificity", Assert.Throws<ArgumentOutOfRangeException>(() => new SensitivityAtSpecificity(double.NaN)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => new SpecificityAtSensitivity(-0.1)).ParamName);
        Assert.Equal("numThresholds", Assert.Throws<ArgumentOutOfRangeException>(() => new PrecisionAtRecall(0.4, numThresholds: -1)).ParamName);
        Assert.Equal("numThresholds", Assert.Throws<ArgumentOutOfRangeException>(() => new RecallAtPrecision(0.4, numThresholds: 0)).ParamName);
        Assert.Equal("classId", Assert.Throws<ArgumentOutOfRangeException>(() => new RecallAtPrecision(0.4, classId: -1)).ParamName);
        using var m = new PrecisionAtRecall(0.5, classId: 3);
        var e = Assert.Throws<ArgumentException>(() => m.UpdateState(Tensor.FromArray(Row(1, 0)), Tensor.FromArray(Row(0.2, 0.7))));
        Assert.Contains("classId 3", e.Message);
        Assert.True(m.HigherIsBetter);
        Assert.Equal("precision_at_recall", m.Name);
        m.Dispose();
        Assert.Throws<ObjectDisposedException>(() => m.Result());
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void PrecisionAndRecallTopKMatchKeras(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        // Precision docstring: ties among equal predictions go to the lower index (top_k=2 keeps the first two).
        Assert.Equal(0.0, Run(new Precision(topK: 2), Row(0, 0, 1, 1), Row(1, 1, 1, 1), device: device), 1e-12);
        Assert.Equal(0.5, Run(new Precision(topK: 4), Row(0, 0, 1, 1), Row(1, 1, 1, 1), device: device), 1e-12);
        // test_unweighted_top_k (a 1-D batch is one row of classes in Keras; here it is written as one row).
        Assert.Equal(1.0 / 3, Run(new Precision(topK: 3), Row(0, 1, 1, 0, 0), Row(0.2, 0.1, 0.5, 0, 0.2), device: device), 1e-7);
        Assert.Equal(0.5, Run(new Recall(topK: 3), Row(0, 1, 1, 0, 0), Row(0.2, 0.1, 0.5, 0, 0.2), device: device), 1e-7);
        // test_unweighted_top_k_and_threshold: top 2 are 0.8 and 0.6, only 0.8 is above 0.7.
        using var p = new Precision([0.7], topK: 2);
        Assert.Equal(1.0, Run(p, Row(0, 1, 1, 0, 1), Row(0.2, 0.8, 0.6, 0, 0.2), device: device), 1e-12);
        Assert.Equal(0.25, Run(new Recall([0.7], topK: 2), Row(1, 1, 1, 0, 1), Row(0.2, 0.8, 0.6, 0, 0.2), device: device), 1e-12);
        // test_weighted_top_k's second batch (a scalar weight 3 on one row): tp 3+3 of predicted positives 3+3+3,
        // and recall 3+3 of positives 3·4; rows are filtered separately.
        var t2 = new double[,] { { 1, 0, 1, 1, 1 }, { 0, 1, 1, 0, 1 } };
        var p2 = new double[,] { { 0.2, 0.6, 0.4, 0.2, 0.2 }, { 0.2, 0.1, 0.4, 0, 0.2 } };
        Assert.Equal(2.0 / 3, Run(new Precision(topK: 3), Slice(t2, 0), Slice(p2, 0), [3], device), 1e-7);
        Assert.Equal(0.5, Run(new Recall(topK: 3), Slice(t2, 0), Slice(p2, 0), [3], device), 1e-7);
        // Both rows with row weights [3, 1]: row 2 keeps 0.4, 0.2 (index 0), 0.2 (index 4): tp 2 (indices 2, 4), fp 1.
        Assert.Equal((6.0 + 2) / (9 + 3), Run(new Precision(topK: 3), t2, p2, [3, 1], device), 1e-7);
        // classId after top_k: class 1 is in row 1's top 3 (positive, target 0) but not in row 2's.
        Assert.Equal(0.0, Run(new Precision(topK: 3, classId: 1), t2, p2, device: device), 1e-12);
        Assert.Equal(0.0, Run(new Recall(topK: 3, classId: 1), t2, p2, device: device), 1e-12);
        Assert.Equal([ConfusionStateNegInf], new Precision(topK: 1).Thresholds);
        // A tie across many columns still keeps exactly k: chunked comparison gives the same as one pass.
        var wide = new double[300, 40];
        var wideT = new double[300, 40];
        for (var i = 0; i < 300; i++)
            for (var c = 0; c < 40; c++) { wide[i, c] = (c % 3) / 3.0; wideT[i, c] = c % 2; }
        // Each row keeps 5 of the 14 columns scoring 2/3 (c = 2, 5, 8, 11, 14): targets c % 2 = 0, 1, 0, 1, 0.
        Assert.Equal(2.0 / 5, Run(new Precision(topK: 5), wideT, wide, device: device), 1e-12);
    }

    private const double ConfusionStateNegInf = -1e10;

    private static double[,] Slice(double[,] m, int row)
    {
        var r = new double[1, m.GetLength(1)];
        for (var c = 0; c < r.Length; c++) r[0, c] = m[row, c];
        return r;
    }

    [Fact]
    public void TopKRefusesBadSettingsAndOneDimensionalBatches()
    {
        Assert.Equal("topK", Assert.Throws<ArgumentOutOfRangeException>(() => new Precision(topK: 0)).ParamName);
        Assert.Equal("topK", Assert.Throws<ArgumentOutOfRangeException>(() => new Recall(topK: -2)).ParamName);
        using var m = new Precision(topK: 2);
        var e = Assert.Throws<ArgumentException>(() => m.UpdateState(Tensor.FromArray(new[] { 1.0, 0 }), Tensor.FromArray(new[] { 0.3, 0.7 })));
        Assert.Contains("[batch, classes]", e.Message);
        Assert.Equal("yPred", e.ParamName);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void AucLabelWeightsFollowMultiLabel(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        // MultiAUCTest: y_pred columns [0, 0.5, 0.3, 0.9] and [0.1, 0.2, 0.3, 0.4], y_true_good both [0, 0, 1, 1].
        var t = new double[,] { { 0, 0 }, { 0, 0 }, { 1, 1 }, { 1, 1 } };
        var p = new double[,] { { 0, 0.1 }, { 0.5, 0.2 }, { 0.3, 0.3 }, { 0.9, 0.4 } };
        // test_label_weights: the label areas 0.875 and 1 averaged with weights 0.75 and 0.25.
        Assert.Equal((0.875 * 0.75 + 1.0 * 0.25) / (0.75 + 0.25),
            Run(new AUC(5, multiLabel: true, labelWeights: [0.75, 0.25]), t, p, device: device), 1e-3);
        // test_label_weights_flat: tpr [1, 1, 0.375, 0.375, 0], fpr [1, 0.375, 0, 0, 0].
        Assert.Equal(1.0 - (1.0 - 0.375) * 0.375 / 2.0, Run(new AUC(5, labelWeights: [0.75, 0.25]), t, p, device: device), 1e-2);
        // The flat figure exactly: each label's counts scaled by its weight before pooling (tp at 0.5 = 0.75·1 + 0.25·0).
        var tpr = new[] { 1.0, 1, 0.375, 0.375, 0 };
        var fpr = new[] { 1.0, 0.375, 0, 0, 0 };
        var exact = Enumerable.Range(0, 4).Sum(i => (fpr[i] - fpr[i + 1]) * (tpr[i] + tpr[i + 1]) / 2);
        Assert.Equal(exact, Run(new AUC(5, labelWeights: [0.75, 0.25]), t, p, device: device), 1e-7);
        // test_unweighted (multi_label, no label weights): the plain mean (0.875 + 1) / 2.
        Assert.Equal(0.9375, Run(new AUC(5, multiLabel: true), t, p, device: device), 1e-3);
        // Zero weights on every label: divide_no_nan gives 0.
        Assert.Equal(0, Run(new AUC(5, multiLabel: true, labelWeights: [0, 0]), t, p, device: device), 1e-12);
    }

    [Fact]
    public void AucRefusesBadLabelWeights()
    {
        Assert.Equal("labelWeights", Assert.Throws<ArgumentOutOfRangeException>(() => new AUC(labelWeights: [1, -0.5])).ParamName);
        Assert.Equal("labelWeights", Assert.Throws<ArgumentOutOfRangeException>(() => new AUC(labelWeights: [double.NaN])).ParamName);
        Assert.Equal("labelWeights", Assert.Throws<ArgumentException>(() => new AUC(labelWeights: [])).ParamName);
        var t = Tensor.FromArray(new double[,] { { 0, 1 }, { 1, 0 } });
        foreach (var multi in new[] { true, false })
        {
            using var m = new AUC(multiLabel: multi, labelWeights: [1, 2, 3]);
            var e = Assert.Throws<ArgumentException>(() => m.UpdateState(t, t));
            Assert.Contains("3 label weight(s)", e.Message);
            Assert.Contains("2 output(s)", e.Message);
        }
    }
}
