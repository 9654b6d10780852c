using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

/// <summary>
/// Training, saving and loading on a device: everything stays where the model is, files move between devices, and
/// Fit waits for the device once per epoch (to report figures), not once per step.
/// </summary>
public class DeviceTrainingTests
{
    public static TheoryData<string, string> DevicePairs => new()
    {
        { "cpu", "cpu" }, { "cpu", "cuda" }, { "cuda", "cpu" }, { "cuda", "cuda" },
    };

    private static (float[,] X, float[] Y) Data(int rows, int seed)
    {
        var rng = new System.Random(seed);
        var x = new float[rows, 3];
        var y = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = (float)(rng.NextDouble() * 2 - 1);
            y[i] = 0.5f * x[i, 0] - 2f * x[i, 1] + x[i, 2] * x[i, 0] + 0.3f;
        }
        return (x, y);
    }

    private static Sequential NewModel(Device device)
    {
        var model = new Sequential(new Dense(8, "tanh", inputDim: 3), new Dense(1)) { Device = device };
        model.Compile(new Adam(0.01), "mse", ["mae"]);
        return model;
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void FitKeepsWeightsDataAndOutputsOnTheModelsDevice(string name)
    {
        var device = TestDevices.Get(name);
        Degenerate.Random.Seed(3);
        var (x, y) = Data(256, 1);
        using var model = NewModel(device);
        var history = model.Fit(x, y, epochs: 20, batchSize: 32, validationSplit: 0.25, verbose: 0);
        Assert.All(model.TrainableWeights, w => Assert.Equal(device, w.Device));
        using var p = model.Predict(x);
        Assert.Equal(device, p.Device);
        var copies = model.GetWeights();
        try
        {
            Assert.All(copies, w => Assert.Equal(device, w.Device));
        }
        finally
        {
            foreach (var w in copies) w.Dispose();
        }
        // It learned: the loss fell well below the variance of y (about 1.6).
        Assert.True(history["loss"][^1] < 0.5 * history["loss"][0], $"loss {history["loss"][0]} -> {history["loss"][^1]}");
        Assert.True(history["val_loss"][^1] < 0.3, $"val_loss {history["val_loss"][^1]}");
    }

    [SkippableTheory]
    [MemberData(nameof(DevicePairs))]
    public void SavedOnOneDeviceLoadsOnAnotherBitForBit(string saveOn, string loadOn)
    {
        var saveDevice = TestDevices.Get(saveOn);
        var loadDevice = TestDevices.Get(loadOn);
        Degenerate.Random.Seed(4);
        var (x, y) = Data(128, 2);
        var path = Path.Combine(Path.GetTempPath(), $"degenerate-device-{Guid.NewGuid():N}.dgm");
        try
        {
            using var model = NewModel(saveDevice);
            model.Fit(x, y, epochs: 3, batchSize: 16, verbose: 0);
            model.Save(path);
            var saved = model.TrainableWeights.Select(w => w.ToArray<float>()).ToList();
            float[,] before;
            using (var p = model.Predict(x)) before = p.ToArray2D<float>();

            using var loaded = Sequential.Load(path, loadDevice);
            Assert.Equal(loadDevice, loaded.Device);
            Assert.All(loaded.TrainableWeights, w => Assert.Equal(loadDevice, w.Device));
            Assert.Equal(saved, loaded.TrainableWeights.Select(w => w.ToArray<float>()).ToList());
            float[,] after;
            using (var p = loaded.Predict(x)) after = p.ToArray2D<float>();
            // Exact on the CPU; cuBLAS may pick other kernels (and summation orders) for the same product.
            var tolerance = saveDevice == Device.CPU && loadDevice == Device.CPU ? 0 : 1e-5;
            AssertClose(before, after, tolerance);

            // And back to the device it was saved from, where it computes what the original did.
            loaded.Device = saveDevice;
            Assert.All(loaded.TrainableWeights, w => Assert.Equal(saveDevice, w.Device));
            using (var p = loaded.Predict(x)) AssertClose(before, p.ToArray2D<float>(), saveDevice == Device.CPU ? 0 : 1e-5);

            // The compile settings came along, so it trains on from there.
            Assert.True(loaded.IsCompiled);
            var h = loaded.Fit(x, y, epochs: 1, batchSize: 16, verbose: 0);
            Assert.True(double.IsFinite(h["loss"][0]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadWithoutADeviceUsesTheDefault()
    {
        var path = Path.Combine(Path.GetTempPath(), $"degenerate-device-{Guid.NewGuid():N}.dgm");
        try
        {
            using (var model = new Sequential(new Dense(2, inputDim: 3)) { Device = Device.CPU }) model.SaveWeights(path);
            using var loaded = Sequential.Load(path);
            Assert.Equal(Device.Default, loaded.Device);
            Assert.All(loaded.TrainableWeights, w => Assert.Equal(Device.Default, w.Device));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertClose(float[,] expected, float[,] actual, double tolerance)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        for (var i = 0; i < expected.GetLength(0); i++)
            Assert.True(Math.Abs(expected[i, 0] - actual[i, 0]) <= tolerance * Math.Max(1, Math.Abs(expected[i, 0])),
                $"row {i}: {expected[i, 0]} vs {actual[i, 0]} (tolerance {tolerance})");
    }

    // Host reads made by one Fit with the given number of rows (batch size 8, so rows/8 steps per epoch).
    private static long ReadsDuringFit(Device device, int rows, IEnumerable<Callback>? callbacks = null)
    {
        Degenerate.Random.Seed(5);
        var (x, y) = Data(rows, 3);
        using var model = NewModel(device);
        var before = HostReads.Count;
        model.Fit(x, y, epochs: 3, batchSize: 8, validationSplit: 0.25, callbacks: callbacks, verbose: 0);
        return HostReads.Count - before;
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void FitWaitsForTheDevicePerEpochNotPerStep(string name)
    {
        var device = TestDevices.Get(name);
        var few = ReadsDuringFit(device, 64);     // 6 steps per epoch
        var many = ReadsDuringFit(device, 640);   // 60 steps per epoch
        Assert.Equal(few, many);
        // Input checks once per Fit, then the epoch's figures (loss, metric, validation) once per epoch.
        Assert.InRange(few, 3, 40);

        // Early stopping looks at epoch figures only; it adds no per-step reads either.
        Assert.Equal(ReadsDuringFit(device, 64, [new EarlyStopping(patience: 10)]),
            ReadsDuringFit(device, 640, [new EarlyStopping(patience: 10)]));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void ReadingEveryBatchLossWaitsEveryStep(string name)
    {
        // The counter does see per-step reads: TerminateOnNaN reads each batch's loss (and says so in its docs).
        var device = TestDevices.Get(name);
        var few = ReadsDuringFit(device, 64, [new TerminateOnNaN()]);
        var many = ReadsDuringFit(device, 640, [new TerminateOnNaN()]);
        Assert.Equal(3 * (60 - 6), many - few);
    }
}
