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
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var before = Temps().ToHashSet();
            using var p = Process.Start(Child.StartInfo("save-loop", [path]))!;
            // Kill a few milliseconds after a save has started writing its temporary file (waiting for the file,
            // not for a fixed time: on a loaded machine a save may not start writing for seconds).
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (Temps().All(before.Contains) && !p.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(1);
            Thread.Sleep(random.Next(0, 30));
            p.Kill();
            p.WaitForExit();
            killedMidWrite += Temps().Any(t => !before.Contains(t)) ? 1 : 0;

            // The old file (or a complete newer one: the model is the same) is intact and loads.
            using var loaded = Degenerate.Models.Sequential.Load(path);
            Assert.Equal(2, loaded.Layers.Count);
        }
        Assert.StartsWith("ok 2 layers", Child.Run("load", path)[path]);
        Assert.True(killedMidWrite > 0, "no kill landed while a save was writing its temporary file");

        // A leftover is removed by the next save once it is stale (a recent one may belong to a live save in another
        // process, docs/model-format.md): age them as if the killed saves were 16 minutes ago.
        foreach (var temp in Temps()) File.SetLastWriteTimeUtc(temp, DateTime.UtcNow.AddMinutes(-16));
        Assert.StartsWith("ok ", Child.Run("save", path)["save"]);
        Assert.Empty(Temps());
    }
}
