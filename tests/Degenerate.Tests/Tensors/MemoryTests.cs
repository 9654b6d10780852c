using System.Globalization;
using System.Runtime.InteropServices;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;
using Xunit.Abstractions;

namespace Degenerate.Tests.Tensors;

[Collection(Serial.Name)]
public partial class MemoryTests(ITestOutputHelper output)
{
    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    // Native resident memory: the resident set from /proc/self/statm minus what the managed heap has committed,
    // after a full collection and after glibc has returned its free pages, so that only live memory is counted.
    private static long NativeResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        MallocTrim(0);
        var pages = long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1], CultureInfo.InvariantCulture);
        return pages * Environment.SystemPageSize - GC.GetGCMemoryInfo().TotalCommittedBytes;
    }

    [SkippableFact]
    public void NativeMemoryStaysFlatOverTenThousandTrainingSteps()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/proc/self/statm"), "reads /proc/self/statm (Linux)");
        Degenerate.Random.Seed(3);
        const int rows = 256, features = 32, batch = 32; // 8 steps per epoch
        var x = new float[rows, features];
        var y = new float[rows];
        var rng = new System.Random(1);
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < features; j++) x[i, j] = (float)rng.NextDouble();
            y[i] = x[i, 0] - 2 * x[i, 3];
        }
        using var model = new Sequential(new Dense(64, "relu", inputDim: features), new Dense(1)) { Device = Device.CPU };
        model.Compile("adam", "mse", ["mae"]);

        // Warm-up: allocator pools, JIT tiers, libtorch's thread pool.
        model.Fit(x, y, epochs: 250, batchSize: batch, verbose: 0);
        var liveBefore = Tensor.LiveCount;
        var before = NativeResidentBytes();
        var history = model.Fit(x, y, epochs: 1250, batchSize: batch, verbose: 0); // 10,000 steps
        var after = NativeResidentBytes();
        var liveAfter = Tensor.LiveCount;

        output.WriteLine($"native resident: before {before / 1024} KiB, after {after / 1024} KiB, change {(after - before) / 1024} KiB; live tensors {liveBefore} -> {liveAfter}");
        Assert.Equal(1250, history.Count);
        Assert.Equal((250 + 1250) * 8, model.Optimizer!.Iterations);
        // Every tensor a step creates is released by the step: none are left behind.
        Assert.True(liveAfter <= liveBefore, $"{liveAfter - liveBefore} tensors leaked over 10,000 steps");
        // The allocator's own noise is a few MiB either way; keeping one [32, 64] float activation per step (say, an
        // autograd graph that is never freed) would add over 80 MiB. Margin: 16 MiB.
        const long margin = 16L << 20;
        Assert.True(after - before < margin,
            $"native resident memory grew by {(after - before) / 1024} KiB over 10,000 steps (before {before / 1024} KiB, after {after / 1024} KiB)");
    }
}
