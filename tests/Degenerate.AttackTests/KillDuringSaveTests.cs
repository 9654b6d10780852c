using System.Diagnostics;

namespace Degenerate.AttackTests;

/// <summary>
/// A save killed mid-write (SIGKILL, repeatedly) must leave the previous file loadable, and the next save to that path
/// must remove the temporary files the killed ones left (issue 14; docs/model-format.md, "Saving").
/// </summary>
public sealed class KillDuringSaveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-kill-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Temps() => Directory.GetFiles(_dir, ".model.dgm.*");

    [Fact]
    public void TheOldFileSurvivesAndTheNextSaveRemovesTheLeftovers()
    {
        var path = Path.Combine(_dir, "model.dgm");
        var first = Child.Run("save", path)["save"];
        Assert.StartsWith("ok ", first);

        var random = new System.Random(14);
        var killedMidWrite = 0;
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var p = Process.Start(Child.StartInfo("save-loop", [path]))!;
            // Each "saving n" line starts a save; kill somewhere inside the first or second one.
            Assert.Equal("saving 1", p.StandardOutput.ReadLine());
            Thread.Sleep(random.Next(20, 400));
            p.Kill();
            p.WaitForExit();
            killedMidWrite += Temps().Length > 0 ? 1 : 0;

            // The old file (or a complete newer one: the model is the same) is intact and loads.
            using var loaded = Degenerate.Models.Sequential.Load(path);
            Assert.Equal(2, loaded.Layers.Count);
        }
        Assert.StartsWith("ok 2 layers", Child.Run("load", path)[path]);
        Assert.True(killedMidWrite > 0, "no kill landed while a temporary file existed: the save is too fast to attack");

        // A leftover is removed by the next save once it is stale (a recent one may belong to a live save in another
        // process, docs/model-format.md): age them as if the killed saves were 16 minutes ago.
        foreach (var temp in Temps()) File.SetLastWriteTimeUtc(temp, DateTime.UtcNow.AddMinutes(-16));
        Assert.StartsWith("ok ", Child.Run("save", path)["save"]);
        Assert.Empty(Temps());
    }
}
