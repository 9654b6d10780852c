using System.Runtime.InteropServices;

namespace Degenerate.Tensors;

/// <summary>Owns one native at::Tensor reference and releases it exactly once.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    private static long _live;

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Native tensors currently owned by Tensor objects (counted when wrapped, uncounted when released).</summary>
    internal static long Live => Interlocked.Read(ref _live);

    internal static void Counted() => Interlocked.Increment(ref _live);

    protected override bool ReleaseHandle()
    {
        Native.dg_tensor_free(handle);
        Interlocked.Decrement(ref _live);
        return true;
    }
}
