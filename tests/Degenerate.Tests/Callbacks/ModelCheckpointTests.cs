using Degenerate.Callbacks;
using Degenerate.Models;
using static Degenerate.Tests.Callbacks.CallbackTestModels;

namespace Degenerate.Tests.Callbacks;

public sealed class ModelCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("model-{epoch:02d}-{val_loss:.2f}.dgm", "model-03-0.12.dgm")]
    [InlineData("model-{epoch}.dgm", "model-3.dgm")]
    [InlineData("m{epoch:03d}_{loss:.3e}.dgm", "m003_1.235e-04.dgm")]
    [InlineData("m-{val_loss:8.3f}.dgm", "m-   0.123.dgm")]
    [InlineData("m-{val_loss:08.3f}.dgm", "m-0000.123.dgm")]
    [InlineData("plain.dgm", "plain.dgm")]
    public void PathFieldsAreFormattedLikePython(string pattern, string expected)
    {
        var logs = new Dictionary<string, double> { ["loss"] = 0.00012346, ["val_loss"] = 0.12345 };
        Assert.Equal(expected, ModelCheckpoint.FormatPath(pattern, 3, logs));
    }

    [Fact]
    public void UnknownFieldIsAClearError()
    {
        var e = Assert.ThrowsAny<KeyNotFoundException>(() =>
            ModelCheckpoint.FormatPath("m-{val_acc:.2f}.dgm", 1, new Dictionary<string, double> { ["loss"] = 1 }));
        Assert.Contains("val_acc", e.Message);
        Assert.Contains("loss", e.Message);
    }

    [Fact]
    public void SaveBestOnlyWritesOnlyImprovingEpochs()
    {
        using var model = Linear(0);
        var checkpoint = new ModelCheckpoint(Path.Combine(_dir, "best-{epoch:02d}.dgm"), saveBestOnly: true) { Model = model };
        checkpoint.OnTrainBegin();
        double[] losses = [0.5, 0.6, 0.4, 0.45];
        for (var e = 0; e < losses.Length; e++)
        {
            SetSlope(model, e + 1.0);
            checkpoint.OnEpochEnd(e, Logs("val_loss", losses[e]));
        }
        Assert.Equal([Path.Combine(_dir, "best-01.dgm"), Path.Combine(_dir, "best-03.dgm")], checkpoint.Saved);
        Assert.Equal(["best-01.dgm", "best-03.dgm"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
        using var third = Sequential.Load(checkpoint.Saved[1]);
        Assert.Equal(3.0, Slope(third)); // the weights of epoch 3
        Assert.True(third.IsCompiled);
    }

    [Fact]
    public void SavesEveryEpochOfARealFitAndWeightsOnlyOnRequest()
    {
        var x = new[] { 1.0, 2.0, 3.0, 4.0 };
        var y = new[] { 2.0, 4.0, 6.0, 8.0 };
        using var model = Linear(0, learningRate: 0.01);
        var slopes = new List<double>();
        var all = new ModelCheckpoint(Path.Combine(_dir, "all-{epoch}-{loss:.4f}.dgm"));
        var weightsOnly = new ModelCheckpoint(Path.Combine(_dir, "w-{epoch}.dgm"), monitor: "loss", saveBestOnly: true, saveWeightsOnly: true);
        var h = model.Fit(x, y, epochs: 3, batchSize: 4, callbacks: [all, weightsOnly, new LambdaCallback(onEpochEnd: (_, _) => slopes.Add(Slope(model)))], verbose: 0);

        Assert.Equal(3, all.Saved.Count);
        for (var e = 0; e < 3; e++)
        {
            Assert.EndsWith($"all-{e + 1}-{h["loss"][e].ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}.dgm", all.Saved[e]);
            using var loaded = Sequential.Load(all.Saved[e]);
            Assert.Equal(slopes[e], Slope(loaded));
        }
        Assert.Equal(3, weightsOnly.Saved.Count); // the training loss falls every epoch
        using (var w = Sequential.Load(weightsOnly.Saved[^1])) Assert.False(w.IsCompiled);
    }

    [Fact]
    public void CreatesAMissingFolderLikeKeras()
    {
        using var model = Linear(0);
        var path = Path.Combine(_dir, "new", "deeper", "m-{epoch}.dgm");
        var checkpoint = new ModelCheckpoint(path) { Model = model };
        checkpoint.OnTrainBegin();
        SetSlope(model, 2.0);
        checkpoint.OnEpochEnd(0, Logs("val_loss", 0.5));
        Assert.True(File.Exists(Path.Combine(_dir, "new", "deeper", "m-1.dgm")));
        using var loaded = Sequential.Load(checkpoint.Saved[0]);
        Assert.Equal(2.0, Slope(loaded));
    }

    [Fact]
    public void SaveBestOnlyWithoutTheMonitorWarnsOnStderrAndSaves()
    {
        using var model = Linear(0);
        var checkpoint = new ModelCheckpoint(Path.Combine(_dir, "b-{epoch}.dgm"), monitor: "val_acc", saveBestOnly: true) { Model = model };
        checkpoint.OnTrainBegin();
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try { checkpoint.OnEpochEnd(0, Logs("val_loss", 0.5)); }
        finally { Console.SetError(old); }
        Assert.Contains("val_acc", err.ToString());
        Assert.Equal([Path.Combine(_dir, "b-1.dgm")], checkpoint.Saved);
        Assert.True(File.Exists(checkpoint.Saved[0]));
    }
}
