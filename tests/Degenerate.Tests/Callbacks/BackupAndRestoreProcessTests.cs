using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Degenerate.Tests.Callbacks;

/// <summary>
/// A training run killed mid-training resumes from its last completed epoch when started again, and ends with the
/// weights of an uninterrupted run: tests/Degenerate.TrainingChild trains in a child process, which is killed once its
/// backup shows a few epochs done, then started again.
/// </summary>
public sealed class BackupAndRestoreProcessTests : IDisposable
{
    private static readonly string Child = typeof(BackupAndRestoreProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TrainingChild").Value!;

    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-kill-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Process Start(string backupDir, string output, int epochs, int pauseMs)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Child, backupDir, output, epochs.ToString(), pauseMs.ToString() }) start.ArgumentList.Add(a);
        return Process.Start(start)!; // inherits DEGENERATE_ENGINE: the child trains on the engine under test
    }

    private static string Finish(Process p)
    {
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
        {
            p.Kill(true);
            throw new TimeoutException("the training child did not finish");
        }
        Assert.True(p.ExitCode == 0, $"child failed ({p.ExitCode}): {stdout.Result}{stderr.Result}");
        return stdout.Result.Trim();
    }

    [Fact]
    public void AKilledRunResumesAndEndsWithTheUninterruptedWeights()
    {
        const int epochs = 40;
        var straightOut = Path.Combine(_dir, "straight.txt");
        using (var straight = Start(Path.Combine(_dir, "straight-backup"), straightOut, epochs, 0))
            Assert.Equal("resumed 0", Finish(straight));

        var backupDir = Path.Combine(_dir, "backup");
        var metadata = Path.Combine(backupDir, "training_metadata.json");
        var resumedOut = Path.Combine(_dir, "resumed.txt");
        using (var doomed = Start(backupDir, resumedOut, epochs, 150))
        {
            var clock = Stopwatch.StartNew();
            while (BackedUpEpoch(metadata) < 3)
            {
                if (doomed.HasExited) Assert.Fail("the child finished before it could be killed: " + doomed.StandardError.ReadToEnd());
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "no backup appeared");
                Thread.Sleep(20);
            }
            doomed.Kill(entireProcessTree: true);
            doomed.WaitForExit();
        }
        Assert.False(File.Exists(resumedOut));
        var killedAt = BackedUpEpoch(metadata);
        Assert.InRange(killedAt, 3, epochs - 1);

        using (var again = Start(backupDir, resumedOut, epochs, 0))
        {
            var said = Finish(again);
            var resumedAt = int.Parse(said["resumed ".Length..]);
            Assert.InRange(resumedAt, killedAt, epochs - 1); // a backup may have landed between reading and killing
        }
        Assert.Equal(File.ReadAllLines(straightOut), File.ReadAllLines(resumedOut));
        Assert.False(Directory.Exists(backupDir)); // the finished run deleted its backup
    }

    private static int BackedUpEpoch(string metadata)
    {
        try
        {
            return File.Exists(metadata) ? JsonNode.Parse(File.ReadAllText(metadata))!["epoch"]!.GetValue<int>() : -1;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return -1; // being replaced at this moment
        }
    }
}
