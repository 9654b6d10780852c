using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>
/// Raw pointers of several tensors for one native call, each handle's reference count raised for the call's duration so
/// none can be released under it (a disposed one throws ObjectDisposedException here, before the call).
/// </summary>
internal readonly struct HandleArray : IDisposable
{
    private readonly IReadOnlyList<EngineTensor> _tensors;
    private readonly bool[] _added;

    public HandleArray(IReadOnlyList<EngineTensor> tensors)
    {
        _tensors = tensors;
        _added = new bool[tensors.Count];
        Pointers = new IntPtr[tensors.Count];
        try
        {
            for (var i = 0; i < tensors.Count; i++)
            {
                tensors[i].DangerousAddRef(ref _added[i]);
                Pointers[i] = tensors[i].DangerousGetHandle();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IntPtr[] Pointers { get; }

    public void Dispose()
    {
        for (var i = 0; i < _added.Length; i++)
            if (_added[i]) _tensors[i].DangerousRelease();
    }

    /// <summary>Wraps a raw at::Tensor* the shim returned as an owned handle (IntPtr.Zero gives null).</summary>
    public static TensorHandle? Own(IntPtr raw)
    {
        if (raw == IntPtr.Zero) return null;
        var h = new TensorHandle();
        System.Runtime.InteropServices.Marshal.InitHandle(h, raw);
        return h;
    }
}
