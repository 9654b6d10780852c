using System.Diagnostics;
using System.Reflection;

namespace Degenerate.Tests.Tensors;

/// <summary>
/// Engine choice and load errors, observed from outside: each case starts tests/Degenerate.EngineProbe in a child
/// process (an engine starts once per process, and a failed start cannot be retried in the same one).
/// </summary>
public class EngineProcessTests
{
    private static readonly string Probe = typeof(EngineProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EngineProbe").Value!;

    // The GPU bundle builds without the TorchSharp engine (-p:DegenerateTorchSharp=false): its cases are skipped there.
    private static void SkipWithoutTorchSharp() =>
        Skip.IfNot(File.Exists(Path.Combine(Path.GetDirectoryName(Probe)!, "Degenerate.TorchSharp.dll")), "built without the TorchSharp engine");

    private static (int Exit, string Output) Run(IDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Probe);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("DEGENERATE_ENGINE");
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            throw new TimeoutException($"the engine probe did not finish: {output}");
        }
        return (p.ExitCode, output.Trim());
    }

    [SkippableTheory]
    [InlineData("native", "native engine, libtorch 1.")]
    [InlineData("torchsharp", "torchsharp engine, libtorch 2.10.0")]
    public void EachEngineStartsWhenChosenAndTrainsTheSameLine(string engine, string described)
    {
        if (engine == "torchsharp") SkipWithoutTorchSharp();
        foreach (var (environment, args) in new[]
        {
            (new Dictionary<string, string?> { ["DEGENERATE_ENGINE"] = engine }, Array.Empty<string>()),
            (new Dictionary<string, string?>(), new[] { engine }), // Engine.Use in code
        })
        {
            var (exit, output) = Run(environment, args);
            Assert.True(exit == 0, output);
            Assert.StartsWith("ok " + described, output);
            // y = 2x + 1 from five points: the same fit on either engine.
            var numbers = output[(output.IndexOf('|') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(2.0, numbers[0], 1e-4);
            Assert.Equal(1.0, numbers[1], 1e-4);
        }
    }

    [SkippableFact]
    public void WithoutAChoiceTheDefaultIsTorchSharp()
    {
        SkipWithoutTorchSharp();
        var (exit, output) = Run(new Dictionary<string, string?>());
        Assert.True(exit == 0, output);
        Assert.StartsWith("ok torchsharp engine", output);
    }

    [Fact]
    public void AnUnknownEngineInTheEnvironmentNamesTheVariable()
    {
        var (exit, output) = Run(new Dictionary<string, string?> { ["DEGENERATE_ENGINE"] = "jax" });
        Assert.Equal(1, exit);
        Assert.Contains("ArgumentException: unknown engine 'jax'; expected one of: torchsharp, native", output);
        Assert.Contains("DEGENERATE_ENGINE", output);
    }

    [Fact]
    public void ANativeEngineThatCannotLoadSaysWhatToInstall()
    {
        var garbage = Path.Combine(Path.GetTempPath(), $"degenerate-not-a-library-{Guid.NewGuid():N}.so");
        File.WriteAllText(garbage, "not an ELF file");
        try
        {
            var (exit, output) = Run(new Dictionary<string, string?> { ["DEGENERATE_ENGINE"] = "native", ["DEGENERATE_NATIVE_LIB"] = garbage });
            Assert.Equal(1, exit);
            Assert.Contains("InvalidOperationException: the native engine cannot start: libdegenerate_native.so could not be loaded", output);
            Assert.Contains("apt-get install libtorch-dev", output);
        }
        finally
        {
            File.Delete(garbage);
        }
    }
}
