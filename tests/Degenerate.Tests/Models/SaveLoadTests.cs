using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Regularizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

public sealed class SaveLoadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-save-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (float[,] X, float[] Y) Data()
    {
        var x = new float[60, 3];
        var y = new float[60];
        for (var i = 0; i < 60; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = MathF.Sin(1.7f * i + j);
            y[i] = x[i, 0] - x[i, 2] > 0 ? 1 : 0;
        }
        return (x, y);
    }

    [SkippableTheory]
    [InlineData("cpu", DType.Float32)]
    [InlineData("cpu", DType.Float64)]
    [InlineData("cuda", DType.Float32)]
    [InlineData("cuda", DType.Float64)]
    public void SaveLoadPredictIsIdenticalBitForBit(string deviceName, DType dtype)
    {
        var device = TestDevices.Get(deviceName);
        var (x, y) = Data();
        using var model = new Sequential(
            new Dense(6, "tanh", inputDim: 3, kernelRegularizer: new L2(0.001)),
            new Dropout(0.25),
            new Dense(4, "elu"),
            new Activation("gelu"),
            new Dense(1, "sigmoid")) { DType = dtype, Device = device, Name = "balloons" };
        model.Compile(new Adam(0.01), "binary_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 3, batchSize: 16, verbose: 0);
        using var before = model.Predict(x);
        var path = Path.Combine(_dir, "model.dgm");
        model.Save(path);

        using var loaded = Sequential.Load(path, device);
        using var after = loaded.Predict(x);
        Assert.Equal(dtype, after.DType);
        Assert.Equal(device, after.Device);
        Assert.True(before.ExactlyEquals(after), "predictions differ after Save → Load");
        var w1 = model.GetWeights();
        var w2 = loaded.GetWeights();
        for (var i = 0; i < w1.Length; i++) Assert.True(w1[i].ExactlyEquals(w2[i]), $"weight {i} differs");
        foreach (var w in w1.Concat(w2)) w.Dispose();
        Assert.Equal("balloons", loaded.Name);
        Assert.Equal(model.Layers.Select(l => $"{l.Name} {l.GetConfig().ToJsonString()}"),
            loaded.Layers.Select(l => $"{l.Name} {l.GetConfig().ToJsonString()}"));
        Assert.Equal(model.Evaluate(x, y)["loss"], loaded.Evaluate(x, y)["loss"]); // the L2 penalty came back too
    }

    [Fact]
    public void CompileSettingsAreRestored()
    {
        var (x, y) = Data();
        using var model = new Sequential(new Dense(2, inputDim: 3), new Dense(1, "sigmoid")) { Device = Device.CPU };
        model.Compile(new Adam(0.02, beta1: 0.8, beta2: 0.95, epsilon: 1e-5, amsgrad: true, clipNorm: 2.5),
            new BinaryCrossentropy(), ["accuracy", "mse"]);
        var path = Path.Combine(_dir, "compiled.dgm");
        model.Save(path);

        using var loaded = Sequential.Load(path);
        Assert.True(loaded.IsCompiled);
        var adam = Assert.IsType<Adam>(loaded.Optimizer);
        Assert.Equal((0.02, 0.8, 0.95, 1e-5, true, 2.5), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.Amsgrad, adam.ClipNorm));
        Assert.Null(adam.ClipValue);
        Assert.IsType<BinaryCrossentropy>(loaded.Loss);
        Assert.Equal(["accuracy", "mse"], loaded.Metrics.Select(m => m.Name));
        var h = loaded.Fit(x, y, epochs: 1, verbose: 0); // ready to train on
        Assert.Equal(["loss", "accuracy", "mse"], h.Keys.ToArray());

        foreach (var (optimizer, loss) in new (Optimizer, Loss)[]
                 {
                     (new SGD(0.3, momentum: 0.9, nesterov: true, clipValue: 1), new Huber(2.5)),
                     (new RMSprop(0.004, rho: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true), new CategoricalCrossentropy(fromLogits: true)),
                     (new Adagrad(0.05, initialAccumulatorValue: 0.2, epsilon: 1e-4), new Poisson()),
                 })
        {
            model.Compile(optimizer, loss);
            model.Save(path);
            using var again = Sequential.Load(path);
            Assert.Equal(optimizer.GetType(), again.Optimizer!.GetType());
            Assert.Equal(optimizer.Config, again.Optimizer.Config);
            Assert.Equal((optimizer.ClipNorm, optimizer.ClipValue), (again.Optimizer.ClipNorm, again.Optimizer.ClipValue));
            Assert.Equal(loss.GetType(), again.Loss!.GetType());
            if (loss is Huber huber) Assert.Equal(huber.Delta, ((Huber)again.Loss).Delta);
            if (loss is CategoricalCrossentropy cce) Assert.Equal(cce.FromLogits, ((CategoricalCrossentropy)again.Loss).FromLogits);
        }
    }

    [Fact]
    public void UncompiledModelsAndWeightsOnlyFilesLoadUncompiled()
    {
        using var model = new Sequential(new Dense(2, inputDim: 3)) { Device = Device.CPU };
        var path = Path.Combine(_dir, "plain.dgm");
        model.Save(path);
        using (var loaded = Sequential.Load(path)) Assert.False(loaded.IsCompiled);

        model.Compile("sgd", "mse");
        model.SaveWeights(path);
        using (var loaded = Sequential.Load(path)) Assert.False(loaded.IsCompiled);

        // LoadWeights puts the weights into another model of the same shape.
        using var other = new Sequential(new Dense(2, inputDim: 3)) { Device = Device.CPU };
        other.LoadWeights(path);
        var a = model.GetWeights();
        var b = other.GetWeights();
        Assert.True(a[0].ExactlyEquals(b[0]) && a[1].ExactlyEquals(b[1]));
        foreach (var w in a.Concat(b)) w.Dispose();
    }

    [Fact]
    public void FileStartsWithTheDocumentedHeader()
    {
        using var model = new Sequential(new Dense(1, inputDim: 2)) { Device = Device.CPU };
        var path = Path.Combine(_dir, "header.dgm");
        model.Save(path);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("DGNMODEL"u8.ToArray(), bytes[..8]);
        Assert.Equal(2u, BitConverter.ToUInt32(bytes, 8)); // format version
        var headerLength = (int)BitConverter.ToUInt32(bytes, 12);
        var header = System.Text.Json.Nodes.JsonNode.Parse(bytes.AsSpan(16, headerLength))!;
        Assert.Equal("degenerate.model", (string?)header["format"]);
        Assert.Equal(2, (int)header["version"]!);
        var payload = (long)BitConverter.ToUInt64(bytes, 16 + headerLength);
        Assert.Equal((2 + 1) * 4, payload); // kernel [2, 1] and bias [1], float32
        Assert.Equal(16 + headerLength + 8 + payload + 32, bytes.Length); // + SHA-256
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
    }
}
