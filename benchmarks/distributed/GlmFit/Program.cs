// The distributed GLM benchmark: a logistic fit (p = 20 features plus the intercept) on N rows, each rank generating
// its own contiguous rows from their global index (nothing read from disk), through GlmOptions.ProcessGroup; or, with
// "single", one process fitting all N rows with the plain Glm.Fit. Engine threads: DG_THREADS, default the cores
// divided by the ranks (the single process gets them all). Prints, from rank 0:
// "glm <ranks|single> <N> <fit seconds> <generate seconds> <iterations> <params[1]>".
// args: [single] N
using System.Diagnostics;
using System.Globalization;
using Degenerate.Distributed;
using Degenerate.Statistics;
using Degenerate.Tensors;

var single = args.Length > 0 && args[0] == "single";
var total = long.Parse(args[^1], CultureInfo.InvariantCulture);
Engine.Use("native");
using var group = single ? null : ProcessGroup.Initialize(ProcessGroupOptions.FromEnvironment() with { Timeout = TimeSpan.FromMinutes(30) });
var world = group?.WorldSize ?? 1;
var rank = group?.Rank ?? 0;
Engine.Threads = int.Parse(Environment.GetEnvironmentVariable("DG_THREADS") ?? Math.Max(1, Environment.ProcessorCount / world).ToString(CultureInfo.InvariantCulture),
    CultureInfo.InvariantCulture);
const int p = 20;
long start = total * rank / world, end = total * (rank + 1) / world;
var n = (int)(end - start);
var clock = Stopwatch.StartNew();
var x = new double[n, p];
var y = new double[n];
Parallel.For(0, n, r =>
{
    var i = start + r;
    var eta = 0.2;
    for (var j = 0; j < p; j++)
    {
        var v = Math.Sin(0.37 * i + 1.3 * j) * Math.Cos(0.011 * i * (j + 1));
        x[r, j] = v;
        eta += (j % 3 - 1) * 0.3 * v;
    }
    // A deterministic uniform from the row index (splitmix64).
    var h = (ulong)(i + 1) * 0x9E3779B97F4A7C15UL;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
    h ^= h >> 31;
    y[r] = (h >> 11) * (1.0 / (1UL << 53)) < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
});
var generate = clock.Elapsed.TotalSeconds;
group?.Barrier();
clock.Restart();
var result = Glm.Fit(x, y, Family.Binomial, options: new GlmOptions { ProcessGroup = group });
var fit = clock.Elapsed.TotalSeconds;
if (rank == 0)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"glm {(single ? "single" : world.ToString(CultureInfo.InvariantCulture))} {total} {fit:F3} {generate:F3} {result.Iterations} {result.Params[1]:R}"));
