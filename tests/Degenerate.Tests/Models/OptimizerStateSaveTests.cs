using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

/// <summary>
/// Model files keep the optimizer's state (format version 2): 5 epochs, save, load, 5 more epochs equals 10 epochs
/// straight, as Keras's saved optimizer variables (iterations, moments) make a resumed run continue exactly.
/// </summary>
[Collection(Serial.Name)] // seeds the global generator
public sealed class OptimizerStateSaveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-optstate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (double[,] X, double[,] Y) Data()
    {
        var x = new double[30, 3];
        var y = new double[30, 1];
        for (var i = 0; i < 30; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = Math.Sin(i * 0.9 + j * 1.3);
            y[i, 0] = Math.Cos(i * 0.4) + 0.5 * x[i, 0];
        }
        return (x, y);
    }

    private static Optimizer Make(string name) => name switch
    {
        "sgd-momentum" => new SGD(0.05, momentum: 0.9),
        "adam" => new Adam(0.02),
        "adam-amsgrad" => new Adam(0.02, amsgrad: true),
        "rmsprop" => new RMSprop(0.01, momentum: 0.5, centered: true),
        "adagrad" => new Adagrad(0.1),
        "nadam" => new Nadam(0.01),
        "adamax" => new Adamax(0.02),
        "lion" => new Lion(0.001),
        _ => new AdamW(0.02, weightDecay: 0.01),
    };

    [Theory]
    [InlineData("sgd-momentum", false)]
    [InlineData("adam", false)]
    [InlineData("adam-amsgrad", false)]
    [InlineData("rmsprop", false)]
    [InlineData("adagrad", false)]
    [InlineData("sgd-momentum", true)]
    [InlineData("adam", true)]
    [InlineData("rmsprop", true)]
    [InlineData("adagrad", true)]
    [InlineData("nadam", false)]
    [InlineData("adamax", false)]
    [InlineData("lion", false)]
    [InlineData("adamw", false)]
    public void Five_epochs_saved_loaded_and_five_more_equal_ten_straight(string name, bool eager)
    {
        var (x, y) = Data();
        Sequential New()
        {
            Degenerate.Random.Seed(21);
            var m = new Sequential(new Dense(4, "tanh", inputDim: 3), new Dense(1)) { Device = Device.CPU, DType = DType.Float64, RunEagerly = eager };
            m.Compile(Make(name), "mse");
            return m;
        }
        using var straight = New();
        straight.Fit(x, y, epochs: 10, batchSize: 7, shuffle: false, verbose: 0);
        Assert.Equal(50, straight.Optimizer!.Iterations);

        var path = Path.Combine(_dir, name + ".dgm");
        using (var first = New())
        {
            first.Fit(x, y, epochs: 5, batchSize: 7, shuffle: false, verbose: 0);
            first.Save(path);
        }
        using var resumed = Sequential.Load(path);
        Assert.Equal(25, resumed.Optimizer!.Iterations);
        resumed.RunEagerly = eager;
        resumed.Fit(x, y, epochs: 5, batchSize: 7, shuffle: false, verbose: 0);
        Assert.Equal(50, resumed.Optimizer.Iterations);

        var expected = straight.GetWeights().SelectMany(t => t.ToArray<double>()).ToArray();
        var actual = resumed.GetWeights().SelectMany(t => t.ToArray<double>()).ToArray();
        Assert.Equal(expected, actual, new Tolerance(1e-12));

        // Without the state the run differs (fresh moments and step count): the test can fail.
        using var fresh = Sequential.Load(path);
        fresh.Compile(Make(name), "mse");
        fresh.Fit(x, y, epochs: 5, batchSize: 7, shuffle: false, verbose: 0);
        var restarted = fresh.GetWeights().SelectMany(t => t.ToArray<double>()).ToArray();
        Assert.True(expected.Zip(restarted).Any(p => Math.Abs(p.First - p.Second) > 1e-9), "a fresh optimizer should train differently");
    }

    [Fact]
    public void A_version_1_file_still_loads_with_fresh_optimizer_state()
    {
        // tests/fixtures/models/model-format-v1.dgm was written by the version-1 writer: Dense(2, tanh) → Dense(1),
        // float64, Adam(0.01), with these weights.
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "models", "model-format-v1.dgm");
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 8));
        using var model = Sequential.Load(path);
        var w = model.GetWeights().Select(t => t.ToArray<double>()).ToArray();
        Assert.Equal([0.5, -0.25, 1.5, 2.0], w[0]);
        Assert.Equal([0.125, -1.0], w[1]);
        Assert.Equal([3.0, -0.75], w[2]);
        Assert.Equal([0.0625], w[3]);
        var adam = Assert.IsType<Adam>(model.Optimizer);
        Assert.Equal(0.01, adam.LearningRate);
        Assert.Equal(0, adam.Iterations);

        // Saved again it is a version 2 file.
        var again = Path.Combine(_dir, "again.dgm");
        model.Save(again);
        Assert.Equal(ModelFile.FormatVersion, (int)BitConverter.ToUInt32(File.ReadAllBytes(again), 8));
        Assert.Equal(2, ModelFile.FormatVersion);
    }
}
