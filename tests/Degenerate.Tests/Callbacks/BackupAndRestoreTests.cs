using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Callbacks;

/// <summary>
/// BackupAndRestore in process, replaying keras/src/callbacks/backup_and_restore_test.py (an exception raised by a
/// callback interrupts Fit; Fit again resumes); the killed-process case is in BackupAndRestoreProcessTests.
/// </summary>
[Collection(Serial.Name)] // seeds the global generator
public sealed class BackupAndRestoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-backup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Only the epoch hook: the run keeps the fused training plan, as the uninterrupted run it is compared with.
    private sealed class Interrupt(int epoch) : Callback
    {
        public override void OnEpochBegin(int e)
        {
            if (e == epoch) throw new TimeoutException($"interrupted at epoch {e}");
        }
    }

    private sealed class InterruptAfterBatches(int batches) : Callback
    {
        private int _seen;
        public override void OnTrainBatchEnd(int b, BatchLogs logs)
        {
            if (++_seen == batches) throw new TimeoutException($"interrupted after batch {_seen}");
        }
    }

    private static (double[,] X, double[,] Y) Data()
    {
        var x = new double[10, 3];
        var y = new double[10, 1];
        for (var i = 0; i < 10; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = Math.Cos(i * 1.1 + j);
            y[i, 0] = Math.Sin(i * 0.5);
        }
        return (x, y);
    }

    private static Sequential New()
    {
        Degenerate.Random.Seed(3);
        var m = new Sequential(new Dense(4, "tanh", inputDim: 3), new Dense(1)) { Device = Device.CPU, DType = DType.Float64 };
        m.Compile(new Adam(0.05), "mse");
        return m;
    }

    private static double[] Flat(Model m)
    {
        var w = m.GetWeights();
        try { return w.SelectMany(t => t.ToArray<double>()).ToArray(); }
        finally { foreach (var t in w) t.Dispose(); }
    }

    [Fact]
    public void BestCaseEpoch()
    {
        // test_best_case_epoch: interrupted at the start of epoch 2 of 6 (10 rows, batches of 4: 3 batches an epoch);
        // Fit(epochs 5) again resumes at epoch 2 and runs epochs 2..4. Here: and ends with the weights of 5 epochs
        // straight, since the optimizer state is part of the backup.
        var (x, y) = Data();
        var backupDir = Path.Combine(_dir, "subdir");
        Assert.False(Directory.Exists(backupDir));
        using var model = New();
        var backup = new BackupAndRestore(backupDir);
        Assert.Throws<TimeoutException>(() => model.Fit(x, y, batchSize: 4, epochs: 6, shuffle: false, verbose: 0,
            callbacks: [backup, new Interrupt(2)]));
        Assert.True(Directory.Exists(backupDir));
        Assert.Equal(6, model.Optimizer!.Iterations);

        // A fresh model, as a restarted program has: everything comes from the backup.
        using var restarted = New();
        var history = restarted.Fit(x, y, batchSize: 4, epochs: 5, shuffle: false, verbose: 0, callbacks: [backup]);
        Assert.Equal(2, backup.RestoredEpoch);
        Assert.Equal([2, 3, 4], history.Epoch);
        Assert.Equal(15, restarted.Optimizer!.Iterations);
        Assert.False(Directory.Exists(backupDir)); // deleteCheckpoint: a finished run leaves nothing

        using var straight = New();
        straight.Fit(x, y, batchSize: 4, epochs: 5, shuffle: false, verbose: 0);
        Assert.Equal(Flat(straight), Flat(restarted));
    }

    [Fact]
    public void BatchFrequencyResumesTheInterruptedEpochFromItsStart()
    {
        // test_model_deletes_after_training / save_freq as an int: a backup every 2 batches; interrupted after the
        // 5th batch (epoch 1, batch 1), the last backup is after batch 4 (epoch 1, batch 0) with metadata epoch 1, so
        // the resumed run starts epoch 1 again (as Keras) from the weights after 4 batches.
        var (x, y) = Data();
        var backupDir = Path.Combine(_dir, "batches");
        using var model = New();
        var backup = new BackupAndRestore(backupDir, saveFreq: 2, deleteCheckpoint: false);
        Assert.Throws<TimeoutException>(() => model.Fit(x, y, batchSize: 4, epochs: 3, shuffle: false, verbose: 0,
            callbacks: [backup, new InterruptAfterBatches(5)]));
        using var restarted = New();
        var history = restarted.Fit(x, y, batchSize: 4, epochs: 3, shuffle: false, verbose: 0, callbacks: [backup]);
        Assert.Equal([1, 2], history.Epoch);
        Assert.Equal(4 + 6, restarted.Optimizer!.Iterations);
        Assert.True(Directory.Exists(backupDir)); // deleteCheckpoint false keeps it
    }

    [Fact]
    public void DoubleCheckpointFallsBackWhenTheLatestIsDamaged()
    {
        var (x, y) = Data();
        var backupDir = Path.Combine(_dir, "double");
        using var model = New();
        var backup = new BackupAndRestore(backupDir, doubleCheckpoint: true);
        Assert.Throws<TimeoutException>(() => model.Fit(x, y, batchSize: 4, epochs: 6, shuffle: false, verbose: 0,
            callbacks: [backup, new Interrupt(3)]));
        Assert.Equal(2, Directory.GetFiles(backupDir, "*.dgm").Length);
        // Damage the latest backup: the previous one (after epoch 2 of 0..2, metadata epoch 2) is used.
        var latest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(backupDir, "training_metadata.json")))!["weights"]!.GetValue<string>();
        File.WriteAllText(Path.Combine(backupDir, latest), "not a model");
        using var restarted = New();
        var history = restarted.Fit(x, y, batchSize: 4, epochs: 4, shuffle: false, verbose: 0, callbacks: [backup]);
        Assert.Equal(2, backup.RestoredEpoch);
        Assert.Equal([2, 3], history.Epoch);

        using var straight = New();
        straight.Fit(x, y, batchSize: 4, epochs: 4, shuffle: false, verbose: 0);
        Assert.Equal(Flat(straight), Flat(restarted));
    }

    [Fact]
    public void BadSettingsAreRefused()
    {
        Assert.Throws<ArgumentException>("backupDir", () => new BackupAndRestore(""));
        Assert.Throws<ArgumentOutOfRangeException>("saveFreq", () => new BackupAndRestore("b", saveFreq: 0));
    }
}
