using System.Runtime.InteropServices;

namespace Degenerate.Tensors;

/// <summary>Owns one native at::Tensor reference and releases it exactly once.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Native.dg_tensor_free(handle);
        return true;
    }
}
