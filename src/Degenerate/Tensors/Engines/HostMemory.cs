namespace Degenerate.Tensors.Engines;

/// <summary>
/// Host memory of CPU tensors for the managed kernels: the tensor's own data when it is contiguous and of the wanted
/// dtype (no copy), else a contiguous converted copy held until disposal.
/// </summary>
internal sealed class HostMemory(ITensorEngine engine) : IDisposable
{
    private readonly List<EngineTensor> _copies = [];

    /// <summary>The data of <paramref name="t"/> as <paramref name="dtype"/>, valid until this is disposed.</summary>
    public unsafe void* Of(EngineTensor t, DType dtype)
    {
        var (type, shape, device) = engine.Info(t);
        if (device.Type != DeviceType.Cpu)
            throw new InvalidOperationException($"host kernels read CPU tensors; this [{string.Join(", ", shape)}] tensor is on {device}");
        if (type == dtype)
        {
            try
            {
                return engine.DataPointer(t);
            }
            catch (InvalidOperationException)
            {
                // Not contiguous: fall through to a contiguous copy.
            }
        }
        // A fresh tensor (Full) is contiguous; copying into it gathers strided data and converts the dtype.
        var copy = engine.Full(shape, 0, dtype, Device.CPU);
        _copies.Add(copy);
        engine.CopyInPlace(copy, t);
        return engine.DataPointer(copy);
    }

    public void Dispose()
    {
        foreach (var c in _copies) c.Dispose();
        _copies.Clear();
    }
}
