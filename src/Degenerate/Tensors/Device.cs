namespace Degenerate.Tensors;

/// <summary>Kinds of device a tensor can live on.</summary>
public enum DeviceType
{
    /// <summary>The host processor.</summary>
    Cpu = 0,
    /// <summary>An NVIDIA GPU.</summary>
    Cuda = 1,
}

/// <summary>
/// Where tensors live and run: <see cref="CPU"/> or <see cref="Cuda"/>(index). <see cref="Default"/> is CUDA when
/// libtorch was built with it and a GPU is present, else the CPU; the environment variable DEGENERATE_DEVICE
/// (<c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>) overrides that choice.
/// </summary>
public readonly record struct Device
{
    private Device(DeviceType type, int index)
    {
        Type = type;
        Index = index;
    }

    /// <summary>The device kind.</summary>
    public DeviceType Type { get; }

    /// <summary>The GPU index; -1 for the CPU.</summary>
    public int Index { get; }

    /// <summary>The host processor.</summary>
    public static Device CPU { get; } = new(DeviceType.Cpu, -1);

    /// <summary>The CUDA GPU with the given index. Fails clearly when libtorch has no CUDA or no such GPU exists.</summary>
    public static Device Cuda(int index = 0)
    {
        var count = CudaDeviceCount;
        if (count == 0) throw new InvalidOperationException($"CUDA device cuda:{index} requested, but {CudaAbsenceReason()}");
        if (index < 0 || index >= count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"CUDA device index must be in [0, {count - 1}]");
        return new Device(DeviceType.Cuda, index);
    }

    // Why no CUDA device can be had: a CPU-only libtorch (fixed by rebuilding the shim) or no visible GPU.
    internal static string CudaAbsenceReason() => Engine.CudaVersion is { } cuda
        ? $"no GPU is visible to libtorch {Engine.TorchVersion} (built with CUDA {cuda}): check nvidia-smi and " +
          "CUDA_VISIBLE_DEVICES, or use Device.CPU"
        : Engine.Name == "native"
            ? $"CUDA is not available: the native shim was built against libtorch {Engine.TorchVersion}, which has no CUDA. " +
              "Rebuild it against a CUDA libtorch (DEGENERATE_LIBTORCH_USE_PYTORCH=1 with a CUDA PyTorch, or LIBTORCH=...; " +
              "see docs/gpu.md), or use Device.CPU"
            : $"CUDA is not available: the {Engine.Name} engine runs libtorch {Engine.TorchVersion} without CUDA. " +
              "Reference TorchSharp's CUDA package instead of TorchSharp-cpu, or use the native engine built against a " +
              "CUDA libtorch (see docs/engines.md), or use Device.CPU";

    /// <summary>Number of CUDA GPUs libtorch can use (0 on a CPU-only build).</summary>
    public static int CudaDeviceCount => Engine.Current.CudaDeviceCount;

    /// <summary>True when at least one CUDA GPU is usable.</summary>
    public static bool CudaIsAvailable => CudaDeviceCount > 0;

    private static readonly Lazy<Device> DefaultDevice = new(ResolveDefault);

    /// <summary>The device models and tensors use unless told otherwise.</summary>
    public static Device Default => DefaultDevice.Value;

    /// <summary>
    /// Parses "cpu", "cuda" (or "gpu", meaning cuda:0) or "cuda:N", ignoring case and surrounding blanks. Naming a
    /// CUDA device fails as <see cref="Cuda"/> does when it is not available.
    /// </summary>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return CPU;
        if (s == "cuda" || s == "gpu") return Cuda(0);
        if (s.StartsWith("cuda:", StringComparison.Ordinal) &&
            int.TryParse(s.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i))
            return Cuda(i);
        throw new ArgumentException($"unknown device '{text}'; expected cpu, cuda or cuda:N (N = 0, 1, ...)", nameof(text));
    }

    /// <summary>The environment variable that overrides <see cref="Default"/>.</summary>
    public const string EnvironmentVariable = "DEGENERATE_DEVICE";

    private static Device ResolveDefault() => Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable));

    // The default device for a DEGENERATE_DEVICE value (null or blank: CUDA when present, else the CPU). Errors name
    // the variable, since the user never called Parse themselves.
    internal static Device Resolve(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting)) return CudaIsAvailable ? Cuda(0) : CPU;
        try
        {
            return Parse(setting);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{EnvironmentVariable}='{setting}' is not a device: {e.Message}", EnvironmentVariable, e);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{EnvironmentVariable}='{setting}': {e.Message}", e);
        }
    }

    // A device that a native tensor reports it is on: no availability check (the tensor already lives there).
    internal static Device FromNative(int type, int index) =>
        type == (int)DeviceType.Cpu ? CPU : new Device(DeviceType.Cuda, index);

    /// <summary>"cpu" or "cuda:N", as PyTorch writes it.</summary>
    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}
