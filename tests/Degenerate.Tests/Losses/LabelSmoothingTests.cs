using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Losses;

// Keras losses_test.py, test_label_smoothing for the binary and categorical cross-entropies (logits 100/−100).
public class LabelSmoothingTests
{
    private static double Value(Loss loss, double[,] yTrue, double[,] yPred)
    {
        using var scope = new DisposeScope();
        var t = Tensor.FromArray(yTrue, Device.CPU, DType.Float64);
        var p = Tensor.FromArray(yPred, Device.CPU, DType.Float64);
        return loss.Call(t, p, null).Item();
    }

    [Fact]
    public void BinaryMatchesKerasTest()
    {
        // Targets become y·(1 − L) + L/2: the loss is (100 + 50·L)/3.
        var loss = new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1);
        Assert.Equal((100.0 + 50.0 * 0.1) / 3.0, Value(loss, new double[,] { { 1, 0, 1 } }, new double[,] { { 100, -100, -100 } }), 6);
    }

    [Fact]
    public void CategoricalMatchesKerasTest()
    {
        // Targets become y·(1 − L) + L/n (n = 3): the loss is 400·L/n.
        var loss = new CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1);
        Assert.Equal(400.0 * 0.1 / 3.0, Value(loss, new double[,] { { 1, 0, 0 } }, new double[,] { { 100, -100, -100 } }), 6);
    }

    [Fact]
    public void ProbabilitiesAreSmoothedToo()
    {
        // Binary on probabilities: y' = 1·0.8 + 0.1 = 0.9 and 0.1; −mean(y'·log p + (1 − y')·log(1 − p)).
        double p1 = 0.7, p2 = 0.4;
        var expected = -((0.9 * Math.Log(p1) + 0.1 * Math.Log(1 - p1)) + (0.1 * Math.Log(p2) + 0.9 * Math.Log(1 - p2))) / 2;
        Assert.Equal(expected, Value(new BinaryCrossentropy(labelSmoothing: 0.2), new double[,] { { 1, 0 } }, new double[,] { { p1, p2 } }), 12);
        // Categorical on probabilities, 4 classes, L = 0.2: y' = 0.85 for the true class, 0.05 for the others.
        double[] q = [0.1, 0.6, 0.2, 0.1];
        var cce = -(0.05 * Math.Log(q[0]) + 0.85 * Math.Log(q[1]) + 0.05 * Math.Log(q[2]) + 0.05 * Math.Log(q[3]));
        Assert.Equal(cce, Value(new CategoricalCrossentropy(labelSmoothing: 0.2), new double[,] { { 0, 1, 0, 0 } }, new double[,] { { q[0], q[1], q[2], q[3] } }), 12);
    }

    [Fact]
    public void OutOfRangeIsRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryCrossentropy(labelSmoothing: 1.5));
        Assert.Equal("labelSmoothing", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CategoricalCrossentropy(labelSmoothing: -0.1));
    }

    [Fact]
    public void FitUsesSmoothedTargetsAndSaveKeepsTheSetting()
    {
        // Sigmoid output (the logits path inside Fit): the first epoch's loss with one full batch is the smoothed BCE at
        // the start weights, z = 0.5·x.
        double[] x = [-1, 2], y = [0, 1];
        const double ls = 0.2;
        var expected = x.Zip(y, (xi, yi) =>
        {
            var p = 1 / (1 + Math.Exp(-0.5 * xi));
            var s = yi * (1 - ls) + 0.5 * ls;
            return -(s * Math.Log(p) + (1 - s) * Math.Log(1 - p));
        }).Average();
        var path = Path.Combine(Path.GetTempPath(), $"smoothing-{Guid.NewGuid():N}.dgm");
        try
        {
            using (var model = new Sequential(new Dense(1, "sigmoid", inputDim: 1)) { DType = DType.Float64, Device = Device.CPU })
            {
                model.SetWeights(new Array[] { new[,] { { 0.5 } }, new[] { 0.0 } });
                model.Compile(new Degenerate.Optimizers.SGD(0.1), new BinaryCrossentropy(labelSmoothing: ls));
                var h = model.Fit(x, y, epochs: 1, batchSize: 2, shuffle: false, verbose: 0);
                Assert.Equal(expected, h["loss"][0], 10);
                model.Save(path);
            }
            using var loaded = Sequential.Load(path, Device.CPU);
            Assert.Equal(ls, Assert.IsType<BinaryCrossentropy>(loaded.Loss).LabelSmoothing);
        }
        finally { File.Delete(path); }
    }
}
