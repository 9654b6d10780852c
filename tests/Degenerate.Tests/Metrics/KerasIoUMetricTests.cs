using Degenerate.Metrics;
using Degenerate.Tensors;

namespace Degenerate.Tests.Metrics;

// IoU, MeanIoU, BinaryIoU, OneHotIoU and OneHotMeanIoU replaying the docstring examples of
// keras/src/metrics/iou_metrics.py (Keras 3), to Keras's printed precision.
public class KerasIoUMetricTests
{
    private static double Run(Metric m, Tensor yTrue, Tensor yPred, double[]? w = null)
    {
        using var scope = new DisposeScope();
        m.ResetState();
        m.UpdateState(yTrue, yPred, w is null ? null : Tensor.FromArray(w, yTrue.Device));
        return m.Result();
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void IoUsMatchKerasDocstrings(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var scope = new DisposeScope();
        Tensor V(params double[] v) => Tensor.FromArray(v, device);
        var t = V(0, 0, 1, 1);
        var p = V(0, 1, 0, 1);
        // IoU: cm [[1, 1], [1, 1]] → 1/3; weighted cm [[0.3, 0.3], [0.3, 0.1]], class 0 → 0.3 / 0.9.
        Assert.Equal(0.33333334, Run(new IoU(2, [0]), t, p), 1e-6);
        Assert.Equal(0.33333334, Run(new IoU(2, [0]), t, p, [0.3, 0.3, 0.3, 0.1]), 1e-6);
        // MeanIoU: both classes; weighted (0.3/0.9 + 0.1/0.7) / 2.
        Assert.Equal(0.33333334, Run(new MeanIoU(2), t, p), 1e-6);
        Assert.Equal(0.23809525, Run(new MeanIoU(2), t, p, [0.3, 0.3, 0.3, 0.1]), 1e-6);
        // BinaryIoU with threshold 0.3.
        var bt = V(0, 1, 0, 1);
        var bp = V(0.1, 0.2, 0.4, 0.7);
        Assert.Equal(0.33333334, Run(new BinaryIoU([0, 1], 0.3), bt, bp), 1e-6);
        Assert.Equal(0.17361112, Run(new BinaryIoU([0, 1], 0.3), bt, bp, [0.2, 0.3, 0.4, 0.1]), 1e-6);
        // OneHotIoU / OneHotMeanIoU: cm [[0, 0, 0.6], [0.3, 0, 0], [0, 0, 0.1]].
        var ot = Tensor.FromArray(new double[,] { { 0, 0, 1 }, { 1, 0, 0 }, { 0, 1, 0 }, { 1, 0, 0 } }, device);
        var op = Tensor.FromArray(new double[,] { { 0.2, 0.3, 0.5 }, { 0.1, 0.2, 0.7 }, { 0.5, 0.3, 0.1 }, { 0.1, 0.4, 0.5 } }, device);
        double[] w = [0.1, 0.2, 0.3, 0.4];
        Assert.Equal((0 + 0.1 / 0.7) / 2, Run(new OneHotIoU(3, [0, 2]), ot, op, w), 1e-6);   // printed 0.071
        Assert.Equal((0 + 0 + 0.1 / 0.7) / 3, Run(new OneHotMeanIoU(3), ot, op, w), 1e-6);  // printed 0.048
        // Classes that never occur are left out of the mean; ids out of range and the ignored class do not count.
        Assert.Equal(1.0, Run(new MeanIoU(4), V(1, 1, 2), V(1, 1, 2)), 1e-6);
        Assert.Equal(1.0, Run(new MeanIoU(3, ignoreClass: 0), V(0, 1, 2, 7), V(2, 1, 2, 1)), 1e-6);
        // Streamed: two batches give the one-batch figure.
        using var m = new MeanIoU(2);
        m.UpdateState(V(0, 0), V(0, 1), V(0.3, 0.3));
        m.UpdateState(V(1, 1), V(0, 1), V(0.3, 0.1));
        Assert.Equal(0.23809525, m.Result(), 1e-6);
    }

    [Fact]
    public void IoUsRefuseBadSettings()
    {
        Assert.Equal("numClasses", Assert.Throws<ArgumentOutOfRangeException>(() => new MeanIoU(0)).ParamName);
        Assert.Equal("targetClassIds", Assert.Throws<ArgumentOutOfRangeException>(() => new IoU(2, [2])).ParamName);
        Assert.Equal("targetClassIds", Assert.Throws<ArgumentException>(() => new IoU(2, [])).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryIoU(threshold: double.NaN)).ParamName);
        using var m = new IoU(3, [0]);
        var e = Assert.Throws<ArgumentException>(() => m.UpdateState(Tensor.FromArray(new[] { 0.0, 1 }), Tensor.FromArray(new[] { 0.0, 1, 2 })));
        Assert.Equal("yPred", e.ParamName);
        Assert.Equal(("io_u", "mean_io_u", "binary_io_u"), (m.Name, new MeanIoU(2).Name, new BinaryIoU().Name));
        Assert.True(m.HigherIsBetter);
    }
}
