using System.Reflection;
using Degenerate.Tensors.Engines;

namespace Degenerate.Tensors;

/// <summary>
/// The engine under Degenerate's tensors, chosen once per process (as Keras 3 chooses a backend), and its facts and
/// settings. Two engines exist: <c>torchsharp</c> (TorchSharp's libtorch; package Degenerate.TorchSharp) and
/// <c>native</c> (Degenerate's own libtorch shim, built against the machine's libtorch; package Degenerate.Native).
/// The choice, in order: <see cref="Use"/> called before the first tensor; the DEGENERATE_ENGINE environment
/// variable; otherwise torchsharp when its assembly is present, else native. Only one engine can run in a process:
/// two libtorch versions in one process crash.
/// </summary>
public static class Engine
{
    /// <summary>The environment variable that chooses the engine: <c>torchsharp</c> or <c>native</c>.</summary>
    public const string EnvironmentVariable = "DEGENERATE_ENGINE";

    /// <summary>The engines Degenerate knows, in order of preference when none is chosen.</summary>
    public static IReadOnlyList<string> Known { get; } = ["torchsharp", "native"];

    private static readonly Dictionary<string, (string Assembly, string Type, string Package)> Registry = new()
    {
        ["torchsharp"] = ("Degenerate.TorchSharp", "Degenerate.Engines.TorchSharp.TorchSharpEngine", "Degenerate.TorchSharp"),
        ["native"] = ("Degenerate.Native", "Degenerate.Engines.Native.NativeEngine", "Degenerate.Native"),
    };

    private static readonly object Gate = new();
    private static string? _requested;
    private static volatile ITensorEngine? _current;

    /// <summary>
    /// Chooses the engine for this process. Call it before the first tensor is made; choosing the engine already
    /// running is a no-op, choosing another one then throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static void Use(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = Normalize(name, nameof(name));
        lock (Gate)
        {
            if (_current is { } running)
            {
                if (running.Name == key) return;
                throw new InvalidOperationException(
                    $"the {running.Name} engine is already running in this process, so '{key}' cannot be chosen: one libtorch per " +
                    $"process. Call Engine.Use(\"{key}\") before the first tensor, or set {EnvironmentVariable}={key}");
            }
            _requested = key;
        }
    }

    /// <summary>The running engine's name (starting it if none runs yet).</summary>
    public static string Name => Current.Name;

    /// <summary>The engines whose assemblies this application has (whether or not they can start here).</summary>
    public static IReadOnlyList<string> Installed => Known.Where(k => TryLoadAssembly(k) is not null).ToArray();

    /// <summary>The libtorch version the running engine computes with, e.g. "2.10.0".</summary>
    public static string TorchVersion => Current.TorchVersion;

    /// <summary>
    /// The CUDA runtime version libtorch was built with, e.g. "12.8"; null when this libtorch has no CUDA (then no GPU
    /// can be used, whatever the hardware).
    /// </summary>
    public static string? CudaVersion => Current.CudaVersion;

    /// <summary>The devices the running engine can compute on: the CPU, then each CUDA GPU.</summary>
    public static IReadOnlyList<Device> Devices =>
        [Device.CPU, .. Enumerable.Range(0, Current.CudaDeviceCount).Select(Device.Cuda)];

    /// <summary>libtorch's intra-op thread count (CPU parallelism of one operation).</summary>
    public static int Threads
    {
        get => Current.Threads;
        set
        {
            if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), value, "thread count must be positive");
            Current.Threads = value;
        }
    }

    /// <summary>Allows TF32 tensor cores for float32 matrix products on CUDA (faster, about 1e-3 relative error).</summary>
    public static void AllowTF32(bool allow) => Current.SetFloat32MatmulPrecision(allow);

    /// <summary>Waits until all queued work on a CUDA device has finished (for timing).</summary>
    public static void Synchronize(Device device)
    {
        if (device.Type == DeviceType.Cuda) Current.Synchronize(device);
    }

    /// <summary>One line for logs: engine, libtorch version and devices.</summary>
    public static string Describe() =>
        $"{Name} engine, libtorch {TorchVersion}" + (CudaVersion is { } c ? $", CUDA {c}, {Current.CudaDeviceCount} GPU(s)" : ", CPU only");

    internal static ITensorEngine Current => _current ?? Start();

    private static ITensorEngine Start()
    {
        lock (Gate)
        {
            if (_current is not null) return _current;
            var key = _requested ?? FromEnvironment() ?? Known.FirstOrDefault(k => TryLoadAssembly(k) is not null)
                ?? throw new InvalidOperationException(
                    "no Degenerate engine is installed: add the Degenerate.TorchSharp package (or Degenerate.Native for the libtorch shim)");
            _current = Create(key);
            return _current;
        }
    }

    private static string? FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? null : Normalize(value, EnvironmentVariable);
    }

    private static string Normalize(string name, string argument)
    {
        var key = name.Trim().ToLowerInvariant();
        if (!Registry.ContainsKey(key))
            throw new ArgumentException($"unknown engine '{name}'; expected one of: {string.Join(", ", Known)}", argument);
        return key;
    }

    private static Assembly? TryLoadAssembly(string key)
    {
        try
        {
            return Assembly.Load(new AssemblyName(Registry[key].Assembly));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }

    private static ITensorEngine Create(string key)
    {
        var (assemblyName, typeName, package) = Registry[key];
        var assembly = TryLoadAssembly(key) ?? throw new InvalidOperationException(
            $"the {key} engine is not installed: add the {package} package to the application (assembly {assemblyName} not found)");
        var type = assembly.GetType(typeName, throwOnError: true)!;
        try
        {
            return (ITensorEngine)Activator.CreateInstance(type, nonPublic: true)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"the {key} engine cannot start: {e.InnerException.Message}", e.InnerException);
        }
    }
}
