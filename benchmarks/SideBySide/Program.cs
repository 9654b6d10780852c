// Degenerate's worker for benchmarks/run: one JSON request per stdin line ({"scenario": ..., parameters}), one JSON
// answer per stdout line ({"seconds": ..., extras}). Timings cover the work only, never start-up or data generation.
// `SideBySide glm-rss <x.f64> <y.f64> <rows> <cols>` instead fits one GLM and reports the process's peak memory;
// `SideBySide memory-steps <steps> [eager]` samples resident memory over that many training steps. The engine is
// DEGENERATE_ENGINE's (native or torchsharp): the harness starts one worker per engine.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Degenerate.Benchmarks.SideBySide;
using Degenerate.Tensors;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var threads = int.Parse(Environment.GetEnvironmentVariable("BENCH_THREADS") ?? "1", CultureInfo.InvariantCulture);
Engine.Threads = threads;  // set once, as an application would

if (args.Length > 0 && args[0] == "glm-rss")
{
    Console.WriteLine(Scenarios.GlmPeakMemory(args[1], args[2], long.Parse(args[3], CultureInfo.InvariantCulture),
        int.Parse(args[4], CultureInfo.InvariantCulture)).ToJsonString());
    return 0;
}

if (args.Length > 0 && args[0] == "memory-steps")
{
    // In a process of its own, so that no other scenario's data sits in the resident set.
    Console.WriteLine(Scenarios.Run(new JsonObject
    {
        ["scenario"] = "memory-steps",
        ["steps"] = int.Parse(args[1], CultureInfo.InvariantCulture),
        ["eager"] = args.Length > 2 && args[2] == "eager",
    }).ToJsonString());
    return 0;
}

Console.WriteLine(new JsonObject { ["ready"] = true, ["engine"] = Engine.Name, ["torch"] = Engine.TorchVersion, ["threads"] = Engine.Threads }.ToJsonString());
string? line;
while ((line = Console.ReadLine()) is not null)
{
    if (line.Length == 0) continue;
    JsonObject answer;
    try
    {
        var request = JsonNode.Parse(line)!.AsObject();
        answer = Scenarios.Run(request);
    }
    catch (Exception e) when (e is TorchException or ArgumentException or InvalidOperationException or NotSupportedException or
                               IOException or JsonException or KeyNotFoundException or System.Runtime.InteropServices.ExternalException)
    {
        answer = new JsonObject { ["error"] = e.GetType().Name + ": " + e.Message };
    }
    Console.WriteLine(answer.ToJsonString());
}
return 0;
