using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Layers;

public class TrainableTests
{
    private static double[] Flat(Model model)
    {
        var ws = model.GetWeights();
        try { return ws.SelectMany(w => w.ToArray<double>()).ToArray(); }
        finally { foreach (var w in ws) w.Dispose(); }
    }

    // y = w1·(w0·x), both without bias, float64 on the CPU.
    private static Sequential Chain(double w0, double w1)
    {
        var model = new Sequential(new Dense(1, useBias: false, inputDim: 1), new Dense(1, useBias: false))
        { DType = DType.Float64, Device = Device.CPU };
        model.SetWeights(new Array[] { new[,] { { w0 } }, new[,] { { w1 } } });
        return model;
    }

    [Fact]
    public void FrozenLayerListsItsWeightsAsNonTrainable()
    {
        // Keras: layer.trainable = False moves kernel and bias from trainable_weights to non_trainable_weights.
        using var model = new Sequential(new Dense(3, inputDim: 4), new Dense(2)) { Device = Device.CPU };
        var first = model.Layers[0];
        Assert.True(first.Trainable);
        Assert.Equal((2, 0), (first.TrainableWeights.Count, first.NonTrainableWeights.Count));
        first.Trainable = false;
        Assert.Equal((0, 2), (first.TrainableWeights.Count, first.NonTrainableWeights.Count));
        Assert.Equal((2, 2, 4), (model.TrainableWeights.Count, model.NonTrainableWeights.Count, model.Weights.Count));
        Assert.Equal((8L, 15L, 23L), (model.TrainableParamCount, model.NonTrainableParamCount, model.ParamCount));
        // GetWeights still returns every weight, in Keras order.
        var ws = model.GetWeights();
        try { Assert.Equal(["[4, 3]", "[3]", "[3, 2]", "[2]"], ws.Select(w => w.ShapeString)); }
        finally { foreach (var w in ws) w.Dispose(); }
    }

    [Fact]
    public void SummaryCountsTrainableAndNonTrainableParams()
    {
        using var model = new Sequential(new Dense(3, inputDim: 4), new Dense(2)) { Device = Device.CPU };
        model.Layers[0].Trainable = false;
        var text = model.Summary();
        // float32: 23 weights = 92 bytes, 8 trainable = 32 bytes, 15 frozen = 60 bytes.
        Assert.Contains(" Total params: 23 (92.00 B)\n", text);
        Assert.Contains(" Trainable params: 8 (32.00 B)\n", text);
        Assert.Contains(" Non-trainable params: 15 (60.00 B)\n", text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FitLeavesFrozenWeightsAloneAndTrainsTheRest(bool freezeBeforeCompile)
    {
        // One full-batch SGD step on MSE with w0 = 2 frozen: d/dw1 mean((w1·w0·x − y)²) = mean(2(w1·w0·x − y)·w0·x).
        double[] x = [1, 2, 3], y = [3, 5, 7];
        const double w0 = 2, w1 = 0.5, lr = 0.01;
        var grad = x.Zip(y, (xi, yi) => 2 * (w1 * w0 * xi - yi) * w0 * xi).Average();
        using var model = Chain(w0, w1);
        if (freezeBeforeCompile) model.Layers[0].Trainable = false;
        model.Compile(new SGD(lr), "mse");
        if (!freezeBeforeCompile)
        {
            // As in Keras, the trained set is fixed at Compile: Fit refuses a stale one until Compile runs again.
            model.Layers[0].Trainable = false;
            var e = Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, epochs: 1, batchSize: 3, shuffle: false, verbose: 0));
            Assert.Contains("Compile again", e.Message);
            model.Compile(new SGD(lr), "mse");
        }
        model.Fit(x, y, epochs: 1, batchSize: 3, shuffle: false, verbose: 0);
        var after = Flat(model);
        Assert.Equal(w0, after[0]);
        Assert.Equal(w1 - lr * grad, after[1], 12);
    }

    [Fact]
    public void UnfreezingAndRecompilingTrainsEveryLayerAgain()
    {
        using var model = Chain(2, 0.5);
        model.Layers[0].Trainable = false;
        model.Compile(new SGD(0.01), "mse");
        model.Fit(new double[] { 1, 2 }, new double[] { 3, 5 }, epochs: 2, verbose: 0);
        Assert.Equal(2.0, Flat(model)[0]);
        model.Layers[0].Trainable = true;
        model.Compile(new SGD(0.01), "mse");
        model.Fit(new double[] { 1, 2 }, new double[] { 3, 5 }, epochs: 2, verbose: 0);
        Assert.NotEqual(2.0, Flat(model)[0]);
    }

    [Fact]
    public void PredictUsesFrozenWeights()
    {
        using var model = Chain(2, 0.5);
        model.Layers[0].Trainable = false;
        using var p = model.Predict(new double[] { 1, 2, 3 });
        Assert.Equal([1.0, 2.0, 3.0], p.ToArray<double>());
    }

    [Fact]
    public void SaveAndLoadKeepTheFlagAndEveryWeight()
    {
        var path = Path.Combine(Path.GetTempPath(), $"trainable-{Guid.NewGuid():N}.dgm");
        try
        {
            using (var model = Chain(2, 0.5))
            {
                model.Layers[0].Trainable = false;
                model.Save(path);
            }
            using var loaded = Sequential.Load(path, Device.CPU);
            Assert.Equal([false, true], loaded.Layers.Select(l => l.Trainable));
            Assert.Equal([2.0, 0.5], Flat(loaded));
        }
        finally { File.Delete(path); }
    }
}
