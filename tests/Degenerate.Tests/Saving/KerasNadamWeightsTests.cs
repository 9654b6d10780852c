using System.Diagnostics;
using System.Text.Json.Nodes;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Saving;

/// <summary>
/// Nadam's state in Keras 3's .weights.h5 layout (keras/src/optimizers/nadam.py, build): iterations, learning_rate,
/// momentum and velocity weight by weight, then the scalar u_product (Keras 3.10+; 3.0–3.9 put it first). The fixtures
/// come from tests/fixtures/keras/make_fixtures.py (h5py), which writes both layouts.
/// </summary>
public sealed class KerasNadamWeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-keras-nadam-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double[] Values(JsonNode node) => node.AsArray().Select(v => (double)v!).ToArray();

    private static double Product(Optimizer o) => ((PortableOptimizer)o.State!).NadamProduct;

    [Theory]
    [InlineData("nadam")]
    [InlineData("nadam_legacy")]
    public void Both_Keras_layouts_restore_iterations_moments_and_u_product(string name)
    {
        var fixture = KerasFixture.Load(name);
        using var model = fixture.NewModel();
        model.Compile(new Nadam(0.05), "categorical_crossentropy");
        model.LoadWeights(fixture.WeightsPath);
        var opt = fixture.Json["optimizer"]!.AsObject();
        Assert.Equal((long)opt["iterations"]!, model.Optimizer!.Iterations);
        Assert.Equal((double)opt["learning_rate"]!, model.Optimizer.LearningRate, 12);
        Assert.Equal((double)opt["u_product"]!, Product(model.Optimizer), 15);
        using var scope = new DisposeScope();
        var slots = model.Optimizer.StateSlots()!;
        var expected = opt["slots"]!.AsArray();
        var per = Degenerate.Tensors.Engines.EngineOptimizer.SlotsPerParameter;
        Assert.Equal(model.TrainableWeights.Count, expected.Count);
        for (var p = 0; p < expected.Count; p++)
        {
            Assert.Equal(Values(expected[p]!["momentum"]!), slots[p * per].ToArray<double>(), new Tolerance(0));
            Assert.Equal(Values(expected[p]!["velocity"]!), slots[p * per + 1].ToArray<double>(), new Tolerance(0));
        }
        using var y = model.Predict(fixture.X);
        Assert.Equal(fixture.Y.Cast<double>().ToArray(), y.ToArray<double>(), new Tolerance(2e-6));
    }

    private static Sequential Fresh(int seed, DType dtype)
    {
        Degenerate.Random.Seed((ulong)seed);
        var model = new Sequential(new Dense(5, "tanh", inputDim: 3), new Dense(2, "softmax")) { DType = dtype };
        model.Compile(new Nadam(0.02), "categorical_crossentropy");
        return model;
    }

    private static readonly double[,] X = { { 0.1, -0.4, 0.9 }, { 1.5, 0.2, -0.3 }, { -0.7, 0.8, 0.2 }, { 0.3, 0.3, -1.1 } };
    private static readonly double[,] Y = { { 1, 0 }, { 0, 1 }, { 0, 1 }, { 1, 0 } };

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void A_Nadam_model_round_trips_and_trains_on_exactly_as_before(DType dtype)
    {
        using var model = Fresh(5, dtype);
        model.Fit(X, Y, epochs: 6, batchSize: 2, shuffle: false, verbose: 0);
        var path = Path.Combine(_dir, "nadam.weights.h5");
        model.SaveWeights(path);
        using var loaded = Fresh(99, dtype);  // other weights, an optimizer that never stepped
        loaded.LoadWeights(path);
        Assert.Equal(12, loaded.Optimizer!.Iterations);
        Assert.Equal(Product(model.Optimizer!), Product(loaded.Optimizer), dtype == DType.Float64 ? 0 : 7);
        using (var scope = new DisposeScope())
        {
            Assert.Equal(model.Optimizer!.StateSlots()!.SelectMany(t => t.ToArray<double>()),
                loaded.Optimizer.StateSlots()!.SelectMany(t => t.ToArray<double>()));
        }
        // Training on from the file takes the same steps as training on in memory (u_product included: a wrong
        // product changes Nadam's bias correction and so the weights). Keras keeps the learning rate as float32, so
        // the exact rate is set again to compare to the last bit.
        loaded.Optimizer.LearningRate = model.Optimizer!.LearningRate;
        using var stale = Fresh(99, dtype);  // the same file, u_product left at a fresh optimizer's 1
        stale.LoadWeights(path);
        stale.Optimizer!.LearningRate = model.Optimizer!.LearningRate;
        ((PortableOptimizer)stale.Optimizer.State!).NadamProduct = 1.0;
        model.Fit(X, Y, epochs: 2, batchSize: 2, shuffle: false, verbose: 0);
        loaded.Fit(X, Y, epochs: 2, batchSize: 2, shuffle: false, verbose: 0);
        stale.Fit(X, Y, epochs: 2, batchSize: 2, shuffle: false, verbose: 0);
        using var a = model.Predict(X);
        using var b = loaded.Predict(X);
        using var c = stale.Predict(X);
        Assert.Equal(a.ToArray<double>(), b.ToArray<double>(), new Tolerance(dtype == DType.Float64 ? 1e-15 : 1e-6));
        Assert.True(a.ToArray<double>().Zip(c.ToArray<double>()).Max(p => Math.Abs(p.First - p.Second)) > 1e-4);
    }

    [SkippableFact]
    public void The_written_file_has_Keras_3_10s_Nadam_layout_in_h5py()
    {
        const string python = "/usr/bin/python3";
        Skip.IfNot(File.Exists(python), "needs Debian's /usr/bin/python3 with python3-h5py");
        using var model = Fresh(5, DType.Float32);
        model.Fit(X, Y, epochs: 3, batchSize: 2, shuffle: false, verbose: 0);
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
        var datasets = JsonNode.Parse(stdout)!["datasets"]!.AsObject();
        var vars = datasets.Select(p => p.Key).Where(k => k.StartsWith("optimizer/vars/")).ToList();
        Assert.Equal(2 + 2 * 4 + 1, vars.Count);  // iterations, learning_rate, (m, v) × 4 weights, u_product
        Assert.Equal(new long[] { 3, 5 }, datasets["optimizer/vars/2"]!["shape"]!.AsArray().Select(v => (long)v!).ToArray());
        Assert.Equal(new long[] { 3, 5 }, datasets["optimizer/vars/3"]!["shape"]!.AsArray().Select(v => (long)v!).ToArray());
        var u = datasets["optimizer/vars/10"]!;
        Assert.Equal("float32", (string)u["dtype"]!);
        Assert.Empty(u["shape"]!.AsArray());
        // Π over t = 1..6 of 0.9·(1 − 0.5·0.96^t), Nadam's schedule (independent of the slots).
        var expected = Enumerable.Range(1, 6).Aggregate(1.0, (acc, t) => acc * 0.9 * (1 - 0.5 * Math.Pow(0.96, t)));
        Assert.Equal(expected, Values(u["values"]!).Single(), 6);
    }
}
