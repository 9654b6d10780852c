using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;

namespace Degenerate.Tests.Saving;

/// <summary>
/// Keras 3's ModelCheckpoint(save_weights_only=True) needs a ".weights.h5" path and writes a Keras weights file; so
/// does Degenerate's, through SaveWeights. A full save to that suffix is refused, as Keras's model.save refuses it.
/// </summary>
[Collection(Serial.Name)] // seeds the global generator
public sealed class KerasWeightsCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-keras-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential New(ulong seed)
    {
        Degenerate.Random.Seed(seed);
        var model = new Sequential(new Dense(4, "tanh", inputDim: 2), new Dense(1));
        model.Compile("adam", "mse");
        return model;
    }

    [Fact]
    public void A_weights_only_checkpoint_to_weights_h5_is_a_Keras_file_that_loads_back()
    {
        var x = new double[,] { { 0, 1 }, { 1, 0 }, { 1, 1 }, { 0.5, -1 } };
        var y = new double[] { 1, -1, 0.5, 2 };
        var path = Path.Combine(_dir, "ckpt.weights.h5");
        using var model = New(1);
        model.Fit(x, y, epochs: 3, verbose: 0, callbacks: [new ModelCheckpoint(path, monitor: "loss", saveWeightsOnly: true)]);
        Assert.Equal("\x89HDF\r\n\x1a\n", new string(File.ReadAllBytes(path).Take(8).Select(b => (char)b).ToArray()));

        using var loaded = New(2);
        loaded.LoadWeights(path);
        using var a = model.Predict(x);
        using var b = loaded.Predict(x);
        Assert.Equal(a.ToArray<double>(), b.ToArray<double>());
        Assert.Equal(model.Optimizer!.Iterations, loaded.Optimizer!.Iterations);
    }

    [Fact]
    public void A_full_save_to_the_Keras_weights_suffix_is_refused_by_name()
    {
        using var model = New(3);
        var path = Path.Combine(_dir, "model.weights.h5");
        var e = Assert.Throws<ArgumentException>(() => model.Save(path));
        Assert.Contains("SaveWeights", e.Message);
        Assert.False(File.Exists(path));
    }
}
