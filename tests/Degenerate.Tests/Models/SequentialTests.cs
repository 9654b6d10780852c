using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

public class SequentialTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void DenseOneRecoversTheLineTwoXPlusOne(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        var x = new float[200];
        var y = new float[200];
        for (var i = 0; i < 200; i++)
        {
            x[i] = (i - 100) / 50f;
            y[i] = 2 * x[i] + 1;
        }
        using var model = new Sequential(new Dense(1, inputDim: 1)) { Device = device };
        model.Compile(new SGD(0.1), "mse");
        var h = model.Fit(x, y, epochs: 50, verbose: 0);
        var w = model.GetWeights();
        Assert.Equal(2.0, w[0].ToArray<float>()[0], 1e-3);
        Assert.Equal(1.0, w[1].ToArray<float>()[0], 1e-3);
        Assert.True(h["loss"][^1] < 1e-6, $"final loss {h["loss"][^1]}");
        foreach (var t in w) t.Dispose();
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void ValidationSplitHoldsOutTheLastRowsBeforeShuffling(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        // 10 rows, split 0.3: Keras trains on rows 0..6 (floor(10·0.7) = 7) and validates on rows 7..9.
        double[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        double[] y = [1, -1, 2, 0, 3, 1, 2, 30, 40, 50];
        using var model = new Sequential(new Dense(1, inputDim: 1)) { DType = DType.Float64, Device = device };
        model.SetWeights(new Array[] { new double[,] { { 0 } }, new[] { 0.0 } });
        const double lr = 0.01;
        model.Compile(new SGD(lr), "mse");

        // One full-batch step (batch 7 covers the training part), shuffled: the order cannot matter.
        var h = model.Fit(x, y, epochs: 1, batchSize: 7, validationSplit: 0.3, shuffle: true, verbose: 0);

        // From w = b = 0 the MSE gradient is −2/7·Σ yᵢxᵢ and −2/7·Σ yᵢ over the first seven rows only.
        var gw = -2.0 / 7 * Enumerable.Range(0, 7).Sum(i => y[i] * x[i]);
        var gb = -2.0 / 7 * Enumerable.Range(0, 7).Sum(i => y[i]);
        var w = model.GetWeights();
        Assert.Equal(-lr * gw, w[0].ToArray<double>()[0], 1e-12);
        Assert.Equal(-lr * gb, w[1].ToArray<double>()[0], 1e-12);
        foreach (var t in w) t.Dispose();

        // The training loss is that of the initial weights on rows 0..6; val_loss is Evaluate on rows 7..9.
        Assert.Equal(Enumerable.Range(0, 7).Average(i => y[i] * y[i]), h["loss"][0], 1e-12);
        var tail = model.Evaluate(x[7..], y[7..]);
        Assert.Equal(tail["loss"], h["val_loss"][0], 1e-12);
        Assert.NotEqual(model.Evaluate(x[..3], y[..3])["loss"], h["val_loss"][0], 1e-3);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void SampleWeightsScaleTheLossWhichIsDividedByTheBatchSize(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[] x = [1, 2, 3, 4];
        double[] y = [3, 1, 4, 1];
        double[] scaled = [1, 0.25, 0, 0.75]; // Σw = 2 ≠ n = 4, so dividing by Σw would show
        using var model = new Sequential(new Dense(1, inputDim: 1)) { DType = DType.Float64, Device = device };
        model.SetWeights(new Array[] { new[,] { { 0.5 } }, new[] { 0.0 } });
        model.Compile(new SGD(0.01), "mse");

        var h = model.Fit(x, y, epochs: 1, batchSize: 4, sampleWeight: scaled, verbose: 0);

        // Keras: Σ wᵢ·(ŷᵢ − yᵢ)² / n, and the step follows the gradient of exactly that.
        var residual = x.Select((v, i) => 0.5 * v - y[i]).ToArray();
        Assert.Equal(residual.Select((r, i) => scaled[i] * r * r).Sum() / 4, h["loss"][0], 1e-12);
        var gw = residual.Select((r, i) => 2 * scaled[i] * r * x[i]).Sum() / 4;
        var gb = residual.Select((r, i) => 2 * scaled[i] * r).Sum() / 4;
        var w = model.GetWeights();
        Assert.Equal(0.5 - 0.01 * gw, w[0].ToArray<double>()[0], 1e-12);
        Assert.Equal(-0.01 * gb, w[1].ToArray<double>()[0], 1e-12);
        foreach (var t in w) t.Dispose();
    }

    [Fact]
    public void ValidationDataOverridesValidationSplit()
    {
        double[] x = [1, 2, 3, 4, 5, 6];
        double[] y = [2, 4, 6, 8, 10, 12];
        double[] xv = [10, 20];
        double[] yv = [0, 0];
        using var model = new Sequential(new Dense(1, inputDim: 1)) { DType = DType.Float64, Device = Device.CPU };
        model.Compile(new SGD(0.001), "mse");
        var h = model.Fit(x, y, epochs: 2, validationSplit: 0.5, validationData: (xv, yv), verbose: 0);
        Assert.Equal(model.Evaluate(xv, yv)["loss"], h["val_loss"][^1], 1e-12);
        Assert.NotEqual(model.Evaluate(x[3..], y[3..])["loss"], h["val_loss"][^1], 1e-3);
    }

    [Fact]
    public void HistoryHasKerasKeysAndOneValuePerEpoch()
    {
        var (x, y) = Line(50);
        using var model = new Sequential(new Dense(4, "relu", inputDim: 1), new Dense(1)) { Device = Device.CPU };
        model.Compile("adam", "mse", ["mae"]);
        var h = model.Fit(x, y, epochs: 5, batchSize: 16, validationSplit: 0.2, verbose: 0);
        Assert.Equal(["loss", "mae", "val_loss", "val_mae"], h.Keys.ToArray());
        Assert.Equal([0, 1, 2, 3, 4], h.Epoch);
        Assert.Equal(5, h.Count);
        foreach (var key in h.Keys) Assert.Equal(5, h[key].Count);
        Assert.True(h.Contains("val_mae"));
        var e = Assert.Throws<KeyNotFoundException>(() => h["accuracy"]);
        Assert.Contains("val_loss", e.Message);

        var resumed = model.Fit(x, y, epochs: 8, initialEpoch: 5, verbose: 0); // Keras: epochs is the last index
        Assert.Equal([5, 6, 7], resumed.Epoch);
        Assert.Equal(["loss", "mae"], resumed.Keys.ToArray());
    }

    private static (float[] X, float[] Y) Line(int n)
    {
        var x = new float[n];
        var y = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = i / (float)n;
            y[i] = 3 * x[i] - 1;
        }
        return (x, y);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void EvaluateIsTheMeanLossOverAllRows(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] x = { { 1, 0 }, { 0, 1 }, { 1, 1 }, { 2, -1 }, { 0, 0 } };
        double[] y = [1, 2, 3, 4, 5];
        using var model = new Sequential(new Dense(1, inputDim: 2)) { DType = DType.Float64, Device = device };
        model.SetWeights(new Array[] { new double[,] { { 0.5 }, { -1 } }, new[] { 2.0 } });
        model.Compile("sgd", "mse");
        var predictions = Enumerable.Range(0, 5).Select(i => 0.5 * x[i, 0] - x[i, 1] + 2).ToArray();
        var mse = predictions.Select((p, i) => (p - y[i]) * (p - y[i])).Average();
        foreach (var batch in new[] { 1, 2, 3, 32 })
        {
            var r = model.Evaluate(x, y, batchSize: batch);
            Assert.Equal(["loss"], r.Keys.ToArray());
            Assert.Equal(mse, r["loss"], 1e-12);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void BatchedPredictEqualsOneShotPredict(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        var input = new float[103, 4];
        for (var i = 0; i < 103; i++) for (var j = 0; j < 4; j++) input[i, j] = MathF.Cos(i * 0.37f + j);
        using var model = new Sequential(new Dense(8, "tanh", inputDim: 4), new Dense(3, "softmax")) { Device = device };
        using var whole = model.Predict(input, batchSize: 1000);
        using var batched = model.Predict(input, batchSize: 10);
        using var single = model.Predict(input, batchSize: 1);
        Assert.Equal([103L, 3L], whole.Shape);
        Assert.Equal(device, whole.Device);
        var reference = whole.ToArray<float>().Select(v => (double)v).ToArray();
        Assert.Equal(reference, batched.ToArray<float>().Select(v => (double)v), new Tolerance(1e-6));
        Assert.Equal(reference, single.ToArray<float>().Select(v => (double)v), new Tolerance(1e-6));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void WeightsAreInKerasOrderAndOrientation(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var model = new Sequential(new Dense(4, "relu", inputDim: 3), new Dense(2)) { DType = DType.Float64, Device = device };
        var weights = model.GetWeights();
        Assert.Equal(["[3, 4]", "[4]", "[4, 2]", "[2]"], weights.Select(w => w.ShapeString));
        Assert.All(weights, w => Assert.False(w.RequiresGrad));
        foreach (var w in weights) w.Dispose();

        // Set known weights, then check Predict against relu(x·W1 + b1)·W2 + b2 computed by hand.
        var w1 = new double[3, 4];
        var b1 = new double[4];
        var w2 = new double[4, 2];
        var b2 = new[] { 0.25, -0.5 };
        for (var i = 0; i < 3; i++) for (var j = 0; j < 4; j++) w1[i, j] = (i + 1) * 0.1 - j * 0.2;
        for (var j = 0; j < 4; j++) b1[j] = 0.05 * j;
        for (var j = 0; j < 4; j++) for (var k = 0; k < 2; k++) w2[j, k] = (j - k) * 0.3;
        model.SetWeights(new Array[] { w1, b1, w2, b2 });

        double[,] x = { { 1, 2, 3 }, { -1, 0.5, 2 } };
        using var p = model.Predict(x);
        var got = p.ToArray2D<double>();
        for (var r = 0; r < 2; r++)
        {
            var hidden = new double[4];
            for (var j = 0; j < 4; j++)
                hidden[j] = Math.Max(0, b1[j] + x[r, 0] * w1[0, j] + x[r, 1] * w1[1, j] + x[r, 2] * w1[2, j]);
            for (var k = 0; k < 2; k++)
                Assert.Equal(b2[k] + Enumerable.Range(0, 4).Sum(j => hidden[j] * w2[j, k]), got[r, k], 1e-12);
        }

        // GetWeights returns copies: changing them does not change the model.
        var copies = model.GetWeights();
        copies[3].Fill(100);
        using var again = model.Predict(x);
        Assert.True(again.ExactlyEquals(p));
        foreach (var w in copies) w.Dispose();

        var e = Assert.Throws<ArgumentException>(() => model.SetWeights(new Array[] { w2, b1, w1, b2 }));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("[4, 2]", e.Message);
        Assert.Contains("[3, 4]", e.Message);
    }

    [Fact]
    public void LayerAddedAfterCompileIsTrainedToo()
    {
        using var model = new Sequential(new Dense(2, inputDim: 1)) { DType = DType.Float64, Device = Device.CPU };
        model.Compile(new SGD(0.05), "mse");
        model.Add(new Dense(1));
        var before = model.GetWeights();
        model.Fit(new[] { 1.0, 2.0, 3.0 }, new[] { 2.0, 4.0, 6.0 }, epochs: 2, verbose: 0);
        var after = model.GetWeights();
        Assert.Equal(4, after.Length);
        for (var i = 0; i < 4; i++) Assert.False(before[i].ExactlyEquals(after[i]), $"weight {i} did not change");
        foreach (var t in before.Concat(after)) t.Dispose();
    }

    [Fact]
    public void LayersGetKerasNames()
    {
        using var model = new Sequential(new Dense(4, inputDim: 2), new Activation("relu"), new Dense(3), new Dropout(0.1),
            new Dense(1, name: "out")) { Device = Device.CPU };
        Assert.Equal(["dense", "activation", "dense_1", "dropout", "out"], model.Layers.Select(l => l.Name));
        Assert.Equal(4 * 2 + 4 + 3 * 4 + 3 + 3 + 1, model.ParamCount);
        Assert.Equal(1, model.OutputDim);
    }

    [Fact]
    public void SoftmaxModelLearnsSeparableClassesFromIntegerLabels()
    {
        // Three well separated clusters; multinomial logistic regression reaches 100% accuracy.
        var x = new float[90, 2];
        var y = new int[90];
        for (var i = 0; i < 90; i++)
        {
            y[i] = i % 3;
            x[i, 0] = (y[i] == 1 ? 3 : 0) + (i % 7) * 0.05f;
            x[i, 1] = (y[i] == 2 ? 3 : 0) - (i % 5) * 0.05f;
        }
        using var model = new Sequential(new Dense(3, "softmax", inputDim: 2)) { Device = Device.CPU };
        model.SetWeights(new Array[] { new float[2, 3], new float[3] });
        model.Compile(new Adam(0.1), "sparse_categorical_crossentropy", ["accuracy"]);
        Assert.Equal(Math.Log(3), model.Evaluate(x, y)["loss"], 1e-6); // zero weights: uniform predictions
        var h = model.Fit(x, y, epochs: 30, batchSize: 16, verbose: 0);
        Assert.Equal(1.0, h["accuracy"][^1]);
        Assert.True(h["loss"][^1] < h["loss"][0] / 5);
        using var p = model.Predict(x);
        using var rowSums = p.Sum(1);
        Assert.All(rowSums.ToArray<float>(), v => Assert.Equal(1f, v, 1e-5f));
    }
}
