using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Degenerate.Tests.Distributed;

/// <summary>
/// Starts tests/Degenerate.RankProbe as the ranks of one process group (child processes on the native engine, whatever
/// engine this test run uses) and collects each rank's output lines.
/// </summary>
internal static class Ranks
{
    internal static readonly string Probe = typeof(Ranks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RankProbe").Value!;

    /// <summary>One rank's result: exit code, output, and how long it ran.</summary>
    internal sealed record Result(int Exit, string Output, TimeSpan Elapsed)
    {
        /// <summary>The numbers on the line starting with "key ".</summary>
        public double[] Numbers(string key)
        {
            var line = Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal))
                ?? throw new Xunit.Sdk.XunitException($"no '{key}' line in: {Output}");
            return line[(key.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        }
    }

    /// <summary>A fresh FileStore path (the store file must not exist when the ranks start).</summary>
    internal static string NewStore() => Path.Combine(Path.GetTempPath(), $"degenerate-store-{Guid.NewGuid():N}");

    /// <summary>
    /// Starts one process per environment (each gets DEGENERATE_ENGINE=native): the rank probe with
    /// <paramref name="args"/>, or, with <paramref name="program"/> set, dotnet with <paramref name="args"/> alone.
    /// </summary>
    internal static Result[] Run(IReadOnlyList<IDictionary<string, string?>> environments, string[] args, int limitSeconds = 120,
        string? program = null)
    {
        var started = new List<(Process P, Stopwatch Clock, Task<string> Out, Task<string> Err)>();
        try
        {
            foreach (var env in environments)
            {
                var start = new ProcessStartInfo("dotnet")
                {
                    RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                };
                if (program is null) start.ArgumentList.Add(Probe);
                foreach (var a in args) start.ArgumentList.Add(a);
                foreach (var k in new[] { "RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_USE_AGENT_STORE", "DG_FILE_STORE" })
                    start.Environment.Remove(k);
                start.Environment["DEGENERATE_ENGINE"] = "native";
                start.Environment["OMP_NUM_THREADS"] = "1";
                foreach (var (k, v) in env) start.Environment[k] = v;
                var p = Process.Start(start)!;
                started.Add((p, Stopwatch.StartNew(), p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync()));
            }
            var results = new Result[started.Count];
            for (var i = 0; i < started.Count; i++)
            {
                var (p, clock, output, error) = started[i];
                if (!p.WaitForExit(limitSeconds * 1000))
                    throw new TimeoutException($"rank {i} did not finish within {limitSeconds} s (a hang)");
                p.WaitForExit();
                results[i] = new Result(p.ExitCode, (output.Result + error.Result).Trim(), clock.Elapsed);
            }
            return results;
        }
        finally
        {
            foreach (var (p, _, _, _) in started)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.Dispose();
            }
        }
    }

    /// <summary>World-size ranks over one FileStore, with extra variables for every rank.</summary>
    internal static Result[] RunFileStore(int worldSize, string[] args, Func<int, IDictionary<string, string?>>? extra = null,
        int timeoutSeconds = 30)
    {
        var store = NewStore();
        try
        {
            var envs = Enumerable.Range(0, worldSize).Select(r =>
            {
                IDictionary<string, string?> env = new Dictionary<string, string?>
                {
                    ["DG_FILE_STORE"] = store, ["RANK"] = r.ToString(CultureInfo.InvariantCulture),
                    ["WORLD_SIZE"] = worldSize.ToString(CultureInfo.InvariantCulture),
                    ["DG_TIMEOUT_S"] = timeoutSeconds.ToString(CultureInfo.InvariantCulture),
                };
                if (extra is not null) foreach (var (k, v) in extra(r)) env[k] = v;
                return env;
            }).ToArray();
            return Run(envs, args);
        }
        finally
        {
            File.Delete(store);
        }
    }

    internal static void AssertOk(Result[] results)
    {
        for (var r = 0; r < results.Length; r++) Assert.True(results[r].Exit == 0, $"rank {r} failed: {results[r].Output}");
    }
}
