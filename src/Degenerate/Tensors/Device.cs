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
        if (count == 0)
            throw new InvalidOperationException(
                $"CUDA device cuda:{index} requested, but CUDA is not available (libtorch {Engine.TorchVersion} " +
                "has no CUDA support or no GPU is present). Build against a CUDA libtorch (see README, 'Running on a GPU') or use Device.CPU.");
        if (index < 0 || index >= count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"CUDA device index must be in [0, {count - 1}]");
        return new Device(DeviceType.Cuda, index);
    }

    /// <summary>Number of CUDA GPUs libtorch can use (0 on a CPU-only build).</summary>
    public static int CudaDeviceCount => Native.dg_cuda_device_count();

    /// <summary>True when at least one CUDA GPU is usable.</summary>
    public static bool CudaIsAvailable => CudaDeviceCount > 0;

    private static readonly Lazy<Device> DefaultDevice = new(ResolveDefault);

    /// <summary>The device models and tensors use unless told otherwise.</summary>
    public static Device Default => DefaultDevice.Value;

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    public static Device Parse(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return CPU;
        if (s == "cuda" || s == "gpu") return Cuda(0);
        if (s.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(s.AsSpan(5), out var i)) return Cuda(i);
        throw new ArgumentException($"unknown device '{text}'; expected cpu, cuda or cuda:N", nameof(text));
    }

    private static Device ResolveDefault()
    {
        var env = Environment.GetEnvironmentVariable("DEGENERATE_DEVICE");
        if (!string.IsNullOrWhiteSpace(env)) return Parse(env);
        return CudaIsAvailable ? Cuda(0) : CPU;
    }

    /// <summary>"cpu" or "cuda:N", as PyTorch writes it.</summary>
    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}
