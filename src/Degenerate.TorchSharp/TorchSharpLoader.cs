using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Degenerate.Engines.TorchSharp;

/// <summary>
/// Loads TorchSharp's native libraries (libtorch 2.10, CPU) once per process, so that TorchSharp works on every
/// platform its packages cover, Debian 12 included, and sets libtorch's intra-op thread count.
/// </summary>
/// <remarks>
/// Call <see cref="EnsureLoaded()"/> before the first TorchSharp call. On Linux x64 with a libstdc++ that lacks
/// <c>GLIBCXX_3.4.32</c> (Debian 12), it loads a copy of <c>libLibTorchSharp.so</c> whose need for that version is
/// marked weak, after libtorch's own libraries from the application's <c>runtimes/linux-x64/native</c> folder (see
/// docs/engines.md). Elsewhere it only initialises TorchSharp. A process can hold one libtorch only: never load
/// Degenerate's native engine in the same process.
/// </remarks>
public static class TorchSharpLoader
{
    /// <summary>Environment variable that overrides the default intra-op thread count (a positive integer).</summary>
    public const string ThreadsVariable = "DEGENERATE_THREADS";

    // libtorch's libraries in dependency order; each must come from TorchSharp's own folder, once (a second copy of
    // libtorch_cpu aborts with "Tried to register multiple backend fallbacks"; without libtorch.so preloaded the loader
    // may pick the system's libtorch 1.13 and crash).
    private static readonly string[] LibTorchLibraries = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    private static readonly Lock Gate = new();
    private static volatile TorchSharpLoadInfo? _info;
    private static ExceptionDispatchInfo? _failure;

    /// <summary>What the first successful load did; null before it.</summary>
    internal static TorchSharpLoadInfo? LoadInfo => _info;

    /// <summary>
    /// Loads TorchSharp's native libraries if this process has not yet, and on that first load sets libtorch's
    /// intra-op threads to <c>DEGENERATE_THREADS</c> or, when unset, <see cref="Environment.ProcessorCount"/>.
    /// Safe to call from several threads and many times.
    /// </summary>
    /// <exception cref="DllNotFoundException">The libraries cannot be loaded; the message names what to install.
    /// Later calls throw the same exception.</exception>
    public static void EnsureLoaded()
    {
        if (_info is not null) return;
        lock (Gate)
        {
            if (_info is not null) return;
            _failure?.Throw();
            int threads = DefaultThreads();
            try
            {
                var info = Load();
                torch.set_num_threads(threads);
                _info = info;
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e is DllNotFoundException ? e : Failure(e.Message, e));
                _failure.Throw();
            }
        }
    }

    /// <summary>Loads TorchSharp if needed (see <see cref="EnsureLoaded()"/>), then sets libtorch's intra-op threads.</summary>
    /// <param name="intraOpThreads">Threads libtorch uses inside one operation; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="intraOpThreads"/> is below 1.</exception>
    public static void EnsureLoaded(int intraOpThreads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOpThreads, 1);
        EnsureLoaded();
        torch.set_num_threads(intraOpThreads);
    }

    private static int DefaultThreads()
    {
        var text = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (string.IsNullOrWhiteSpace(text)) return Environment.ProcessorCount;
        if (int.TryParse(text, out int n) && n >= 1) return n;
        throw new InvalidOperationException($"{ThreadsVariable}='{text}' is not a positive integer thread count.");
    }

    private static TorchSharpLoadInfo Load()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return Initialise(new TorchSharpLoadInfo(null, FixApplied: false, null, KnownBuild: null));

        // Where libstdc++ is new enough (or cannot be found, then the loader reports its own error), TorchSharp
        // loads as shipped.
        var libStdCxx = GlibcxxVersionFix.FindProcessLibStdCxx();
        if (libStdCxx is null || !GlibcxxVersionFix.LibStdCxxLacksVersion(libStdCxx))
            return Initialise(new TorchSharpLoadInfo(null, FixApplied: false, null, KnownBuild: null));

        var native = FindNativeDirectory() ?? throw Failure(
            $"no folder with {GlibcxxVersionFix.LibraryFileName} and libtorch_cpu.so was found under '{AppContext.BaseDirectory}'", null);
        var original = Path.Combine(native, GlibcxxVersionFix.LibraryFileName);
        var patched = GlibcxxVersionFix.PreparePatchedCopy(original, GlibcxxVersionFix.DefaultCacheRoots(), out bool known);
        foreach (var name in LibTorchLibraries) Preload(Path.Combine(native, name));
        // A build without the need (patched == null) loads as shipped, from its own folder.
        Preload(patched ?? original);
        return Initialise(new TorchSharpLoadInfo(native, FixApplied: patched is not null, patched ?? original, known));
    }

    private static TorchSharpLoadInfo Initialise(TorchSharpLoadInfo info)
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Failure(e.Message, e);
        }
        return info;
    }

    /// <summary>TorchSharp's natives: runtimes/linux-x64/native in a build without a RID, the app folder with one.</summary>
    internal static string? FindNativeDirectory()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"),
            AppContext.BaseDirectory,
        ];
        return candidates.FirstOrDefault(d =>
            File.Exists(Path.Combine(d, GlibcxxVersionFix.LibraryFileName)) && File.Exists(Path.Combine(d, "libtorch_cpu.so")));
    }

    /// <summary>Loads one native library by full path; any failure becomes the one load exception.</summary>
    internal static void Preload(string path)
    {
        if (!File.Exists(path)) throw Failure($"'{path}' is missing", null);
        try
        {
            NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw Failure(e.Message, e);
        }
    }

    private static DllNotFoundException Failure(string problem, Exception? inner) => new(
        $"TorchSharp's native libraries could not be loaded: {problem}. Install the TorchSharp-cpu 0.107.0 package " +
        "(it brings libtorch-cpu 2.10.0 for linux-x64, win-x64 and osx-arm64) in the application's project, or on " +
        "Linux x64 TorchSharp 0.107.0 with libtorch-cpu-linux-x64 2.10.0; or select Degenerate's native engine " +
        "(DEGENERATE_ENGINE=native), which needs libtorch-dev.", inner);
}
