using System.Diagnostics;
using System.Text.Json.Nodes;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using PureHDF;

namespace Degenerate.Tests.Saving;

/// <summary>
/// Keras 3 <c>.weights.h5</c> interop. The fixtures are written with h5py in the layout of Keras 3's
/// keras/src/saving/saving_lib.py (tests/fixtures/keras/make_fixtures.py says how), and their expected predictions
/// are NumPy's forward pass; files written here are read back by h5py (dump_weights.py).
/// </summary>
[Collection(Serial.Name)] // seeds the global generator
public sealed class KerasWeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-keras-h5-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double[] Flat(double[,] a) => a.Cast<double>().ToArray();

    [Theory]
    [InlineData("classifier", DType.Float32, 2e-6)]
    [InlineData("classifier", DType.Float64, 1e-12)]
    [InlineData("regressor", DType.Float32, 2e-6)]
    [InlineData("regressor", DType.Float64, 1e-12)]
    [InlineData("normalized", DType.Float32, 5e-6)]
    [InlineData("normalized", DType.Float64, 1e-12)]
    public void A_model_trained_in_Keras_predicts_as_NumPy_does(string name, DType dtype, double tolerance)
    {
        var fixture = KerasFixture.Load(name);
        using var model = fixture.NewModel(dtype: dtype);
        model.LoadWeights(fixture.WeightsPath);
        using var y = model.Predict(fixture.X);
        Assert.Equal(Flat(fixture.Y), y.ToArray<double>(), new Tolerance(tolerance));
    }

    [Fact]
    public void An_unbuilt_model_takes_its_input_width_from_the_first_kernel()
    {
        var fixture = KerasFixture.Load("regressor");
        using var model = fixture.NewModel(declareInput: false);
        Assert.False(model.Built);
        model.LoadWeights(fixture.WeightsPath);
        Assert.Equal(3, model.InputDim);
        using var y = model.Predict(fixture.X);
        Assert.Equal(Flat(fixture.Y), y.ToArray<double>(), new Tolerance(2e-6));
    }

    [Fact]
    public void Normalization_layers_read_Keras_variables_and_an_unbuilt_one_learns_its_width_from_the_mean()
    {
        var fixture = KerasFixture.Load("normalized");
        using var model = fixture.NewModel(declareInput: false);
        model.LoadWeights(fixture.WeightsPath);
        Assert.Equal(4, model.InputDim);
        var normalization = Assert.IsType<Normalization>(model.Layers[0]);
        Assert.Equal(1000.0, normalization.Weights[2].ToArray<double>().Single());  // Keras's int64 count
        using var y = model.Predict(fixture.X);
        Assert.Equal(Flat(fixture.Y), y.ToArray<double>(), new Tolerance(5e-6));

        // Written back, the count is Keras's int64 scalar again, and the file reads back into an Input-led model.
        var path = Path.Combine(_dir, "normalized.weights.h5");
        model.SaveWeights(path);
        using var again = fixture.NewModel();  // led by Input(4), which Sequential keeps out of its layers, as Keras
        Assert.True(again.Built);
        Assert.IsType<Normalization>(again.Layers[0]);
        again.LoadWeights(path);
        using var y2 = again.Predict(fixture.X);
        Assert.Equal(y.ToArray<double>(), y2.ToArray<double>());
        using var file = PureHDF.H5File.OpenRead(path);
        var count = file.Group("layers").Group("normalization").Group("vars").Dataset("2");
        Assert.Equal(PureHDF.H5DataTypeClass.FixedPoint, count.Type.Class);
        Assert.Equal(1000L, count.Read<long>());
    }

    [Fact]
    public void A_compiled_model_takes_Adams_iterations_learning_rate_and_moments_from_the_file()
    {
        var fixture = KerasFixture.Load("classifier");
        using var model = fixture.NewModel();
        model.Compile(new Adam(0.05), "categorical_crossentropy");
        model.LoadWeights(fixture.WeightsPath);
        var opt = fixture.Json["optimizer"]!.AsObject();
        Assert.Equal((long)opt["iterations"]!, model.Optimizer!.Iterations);
        Assert.Equal((double)opt["learning_rate"]!, model.Optimizer.LearningRate, 12);
        using var scope = new DisposeScope();
        var slots = model.Optimizer.StateSlots()!;
        var expected = opt["slots"]!.AsArray();
        Assert.Equal(model.TrainableWeights.Count, expected.Count);
        for (var p = 0; p < expected.Count; p++)
        {
            var per = Degenerate.Tensors.Engines.EngineOptimizer.SlotsPerParameter;
            Assert.Equal(Values(expected[p]!["momentum"]!), slots[p * per].ToArray<double>(), new Tolerance(0));
            Assert.Equal(Values(expected[p]!["velocity"]!), slots[p * per + 1].ToArray<double>(), new Tolerance(0));
        }
    }

    private static double[] Values(JsonNode node) => node.AsArray().Select(v => (double)v!).ToArray();

    private static Sequential Fresh(Optimizer optimizer, int seed)
    {
        Degenerate.Random.Seed((ulong)seed);
        var model = new Sequential(new Dense(6, "relu", inputDim: 3), new Dropout(0.1), new Dense(4, "tanh", useBias: false),
            new Activation("sigmoid"), new Dense(2, "softmax"));
        model.Compile(optimizer, "categorical_crossentropy");
        return model;
    }

    private static Sequential Trained(Optimizer optimizer)
    {
        var model = Fresh(optimizer, 5);
        var x = new double[20, 3];
        var y = new double[20, 2];
        for (var i = 0; i < 20; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = Math.Sin(i * 0.7 + j);
            y[i, i % 2] = 1;
        }
        model.Fit(x, y, epochs: 3, batchSize: 5, verbose: 0);
        return model;
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("rmsprop")]
    [InlineData("sgd")]
    public void Saved_and_loaded_here_the_weights_and_optimizer_state_are_identical(string optimizer)
    {
        Optimizer Make() => optimizer switch
        {
            "adam" => new Adam(0.01, amsgrad: true),
            "rmsprop" => new RMSprop(0.01, momentum: 0.5, centered: true),
            _ => new SGD(0.1, momentum: 0.9),
        };
        using var model = Trained(Make());
        var path = Path.Combine(_dir, "model.weights.h5");
        model.SaveWeights(path);

        using var loaded = Fresh(Make(), 99);  // other weights, an optimizer that never stepped
        Assert.Equal(0, loaded.Optimizer!.Iterations);
        loaded.LoadWeights(path);
        var x = new double[,] { { 0.1, -0.4, 0.9 }, { 1.5, 0.2, -0.3 } };
        using var a = model.Predict(x);
        using var b = loaded.Predict(x);
        Assert.Equal(a.ToArray<double>(), b.ToArray<double>());
        Assert.Equal(model.Optimizer!.Iterations, loaded.Optimizer!.Iterations);
        using var scope = new DisposeScope();
        var expected = model.Optimizer.StateSlots()!.SelectMany(t => t.ToArray<double>()).ToArray();
        var actual = loaded.Optimizer.StateSlots()!.SelectMany(t => t.ToArray<double>()).ToArray();
        Assert.Equal(expected, actual);
    }

    [SkippableFact]
    public void A_file_written_here_reads_in_h5py_with_Keras_names_shapes_and_values()
    {
        const string python = "/usr/bin/python3";
        Skip.IfNot(File.Exists(python), "needs Debian's /usr/bin/python3 with python3-h5py");
        using var model = Trained(new Adam(0.01));
        var path = Path.Combine(_dir, "written.weights.h5");
        model.SaveWeights(path);

        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(KerasFixture.Folder, "dump_weights.py"));
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Skip.If(stderr.Contains("No module named 'h5py'"), "python3-h5py is not installed");
        Assert.True(process.ExitCode == 0, stderr);
        var dump = JsonNode.Parse(stdout)!.AsObject();

        // saving_lib's layout: layers by class name (not layer.name), a vars group per saveable, the model's own vars.
        var groups = dump["groups"]!.AsArray().Select(g => (string)g!).ToArray();
        Assert.Equal(new[]
        {
            "layers", "layers/activation", "layers/activation/vars", "layers/dense", "layers/dense/vars",
            "layers/dense_1", "layers/dense_1/vars", "layers/dense_2", "layers/dense_2/vars", "layers/dropout",
            "layers/dropout/vars", "optimizer", "optimizer/vars", "vars",
        }, groups);
        var datasets = dump["datasets"]!.AsObject();
        var weights = model.GetWeights();
        string[] paths = ["layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_2/vars/0", "layers/dense_2/vars/1"];
        for (var i = 0; i < paths.Length; i++)
        {
            var d = datasets[paths[i]]!;
            Assert.Equal("float32", (string)d["dtype"]!);
            Assert.Equal(weights[i].Shape, d["shape"]!.AsArray().Select(v => (long)v!).ToArray());
            Assert.Equal(weights[i].ToArray<double>(), Values(d["values"]!));
            weights[i].Dispose();
        }
        // Adam: iterations, learning_rate, then momentum and velocity weight by weight: 2 + 2 × 5 datasets.
        var optimizerVars = datasets.Select(p => p.Key).Where(k => k.StartsWith("optimizer/vars/")).ToList();
        Assert.Equal(12, optimizerVars.Count);
        Assert.Equal("int64", (string)datasets["optimizer/vars/0"]!["dtype"]!);
        Assert.Equal(12.0, Values(datasets["optimizer/vars/0"]!["values"]!).Single());  // 3 epochs × 4 batches
        Assert.Equal(0.01, Values(datasets["optimizer/vars/1"]!["values"]!).Single(), 6);
        Assert.Equal(new long[] { 3, 6 }, datasets["optimizer/vars/2"]!["shape"]!.AsArray().Select(v => (long)v!).ToArray());
        Assert.Equal(new long[] { 6 }, datasets["optimizer/vars/4"]!["shape"]!.AsArray().Select(v => (long)v!).ToArray());
    }
}
