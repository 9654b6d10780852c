using System.Runtime.InteropServices;

namespace Degenerate.Cli;

/// <summary>
/// Returns memory the ladder no longer uses to the system between its steps, so a step's leftovers and the next step's
/// allocations never add up (issue 14): the managed garbage (a full compacting collection), and on Linux the heap
/// pages glibc keeps after libtorch frees its per-row temporaries (malloc_trim).
/// </summary>
internal static class LadderMemory
{
    private static bool _noTrim;

    /// <summary>Collects the managed heap and, on glibc, trims the native heap.</summary>
    public static void Release()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // Tensors that were only dropped (not disposed) free their native memory in their finalizers.
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (_noTrim || !OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _noTrim = true;  // not glibc (musl, ...): nothing to trim this way
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
