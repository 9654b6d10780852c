namespace Degenerate.Tests.Distributed;

/// <summary>
/// Data-parallel Fit across rank processes against the plain single-process Fit (tests/Degenerate.RankProbe "single",
/// the ordinary training loop): 37 rows (uneven over 2 and 3 ranks), global batch 8 (a last batch of 5, fewer rows
/// than ranks in no batch but unequal shares in all), 20 % validation split, a tanh MLP, SGD with momentum and Adam.
/// </summary>
public class DataParallelTests
{
    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Theory]
    [InlineData("adam", "float32", 2)]
    [InlineData("sgd", "float32", 3)]
    [InlineData("adam", "float64", 3)]
    [InlineData("sgd", "float64", 2)]
    public void DataParallelFitEqualsTheSingleProcessFit(string optimizer, string dtype, int world)
    {
        // Unshuffled, so the single process sees the same batches; each rank starts from different weights.
        string[] args = [optimizer, dtype, "0", "3"];
        var single = Ranks.Run([new Dictionary<string, string?>()], ["single", .. args])[0];
        Assert.True(single.Exit == 0, single.Output);
        var ranks = Ranks.RunFileStore(world, ["fit", .. args]);
        Ranks.AssertOk(ranks);
        var tolerance = dtype == "float32" ? 1e-6 : 1e-12;
        foreach (var rank in ranks)
        {
            foreach (var key in new[] { "weights", "history:loss", "history:mae", "history:val_loss", "history:val_mae", "evaluate", "predict" })
                AssertClose(single.Numbers(key), rank.Numbers(key), tolerance, key);
            // Every rank holds bit-identical weights: one all-reduced gradient, one update.
            Assert.Equal(ranks[0].Numbers("weights"), rank.Numbers("weights"));
        }
    }

    [Theory]
    [InlineData("sgd", "float64", 2)]
    [InlineData("adam", "float32", 3)]
    public void BatchLogsCarryTheSingleProcessRunningLossAndMetrics(string optimizer, string dtype, int world)
    {
        // A callback reads every batch's logs (Keras's on_train_batch_end: the epoch's running mean loss and metrics);
        // each rank must see one process's figures on the same batches.
        string[] args = [optimizer, dtype, "0", "2"];
        var env = new Dictionary<string, string?> { ["DG_BATCH_LOGS"] = "1" };
        var single = Ranks.Run([env], ["single", .. args])[0];
        Assert.True(single.Exit == 0, single.Output);
        var ranks = Ranks.RunFileStore(world, ["fit", .. args], _ => env);
        Ranks.AssertOk(ranks);
        var tolerance = dtype == "float32" ? 1e-6 : 1e-12;
        Assert.Equal(2 * 4, single.Numbers("batch:mae").Length);  // 30 training rows in batches of 8, 2 epochs
        foreach (var rank in ranks)
            foreach (var key in new[] { "batch:loss", "batch:mae", "weights", "history:loss", "history:mae", "history:val_mae" })
                AssertClose(single.Numbers(key), rank.Numbers(key), tolerance, key);
    }

    [Fact]
    public void ShuffledEpochsDoNotDependOnTheWorldSize()
    {
        // The permutation is seed + epoch on every rank (DistributedSampler's rule), so 2 and 3 ranks train alike.
        string[] args = ["fit", "adam", "float64", "1", "3"];
        var two = Ranks.RunFileStore(2, args);
        var three = Ranks.RunFileStore(3, args);
        Ranks.AssertOk(two);
        Ranks.AssertOk(three);
        AssertClose(two[0].Numbers("weights"), three[0].Numbers("weights"), 1e-12, "weights");
        AssertClose(two[0].Numbers("history:loss"), three[2].Numbers("history:loss"), 1e-12, "loss");
        // And differs from the unshuffled run (shuffling happened).
        var plain = Ranks.RunFileStore(2, ["fit", "adam", "float64", "0", "3"]);
        Ranks.AssertOk(plain);
        Assert.NotEqual(plain[0].Numbers("weights")[0], two[0].Numbers("weights")[0]);
    }

    [Fact]
    public void CallbacksDecideAlikeOnEveryRankAndOnlyRankZeroWritesCheckpoints()
    {
        var folders = Enumerable.Range(0, 2).Select(_ => Directory.CreateTempSubdirectory("degenerate-ckpt-").FullName).ToArray();
        try
        {
            var ranks = Ranks.RunFileStore(2, ["callbacks"], r => new Dictionary<string, string?> { ["DG_CHECKPOINTS"] = folders[r] });
            Ranks.AssertOk(ranks);
            // EarlyStopping (patience 1, an unreachable minDelta) stops after epoch 2 everywhere; ReduceLROnPlateau
            // (patience 0) keeps epoch 1 as its best and halves the rate once, after epoch 2: 0.05 → 0.025.
            foreach (var rank in ranks)
            {
                Assert.Contains("epochs 2 stopped 1", rank.Output);
                Assert.Equal(0.025, rank.Numbers("lr")[0], 12);
                Assert.Equal(ranks[0].Numbers("history:loss"), rank.Numbers("history:loss"));
            }
            Assert.Equal(["m1.dgm", "m2.dgm"], Directory.GetFiles(folders[0]).Select(Path.GetFileName).Order());
            Assert.Empty(Directory.GetFiles(folders[1]));
            // Only rank 0 prints the progress lines.
            Assert.Contains("Epoch 1/10", ranks[0].Output);
            Assert.DoesNotContain("Epoch 1/10", ranks[1].Output);
        }
        finally
        {
            foreach (var f in folders) Directory.Delete(f, recursive: true);
        }
    }

    [Fact]
    public void ARankKilledMidEpochMakesTheOthersFailClearlyWithoutAPartialCheckpoint()
    {
        var folders = Enumerable.Range(0, 2).Select(_ => Directory.CreateTempSubdirectory("degenerate-ckpt-").FullName).ToArray();
        try
        {
            // A long timeout: the failure must come from the dead peer's closed connection, not from the timeout.
            var ranks = Ranks.RunFileStore(2, ["die"], r => new Dictionary<string, string?> { ["DG_CHECKPOINTS"] = folders[r] },
                timeoutSeconds: 600);
            Assert.Equal(3, ranks[1].Exit);
            Assert.Equal(1, ranks[0].Exit);
            Assert.Contains("rank 0 of 2: all_reduce failed", ranks[0].Output);
            Assert.True(ranks[0].Elapsed < TimeSpan.FromSeconds(60), ranks[0].Elapsed.ToString());
            // Epochs 1 and 2 completed and were saved; the interrupted third left nothing (no temporary file either).
            Assert.Equal(["m1.dgm", "m2.dgm"], Directory.GetFiles(folders[0]).Select(Path.GetFileName).Order());
        }
        finally
        {
            foreach (var f in folders) Directory.Delete(f, recursive: true);
        }
    }
}
