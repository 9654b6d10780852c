using System.Runtime.InteropServices;

namespace Degenerate.Engines.Native;

/// <summary>Owns a native optimizer (its per-parameter state tensors) and frees it exactly once.</summary>
internal sealed class OptimizerHandle : SafeHandle
{
    public OptimizerHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public OptimizerHandle(IntPtr raw) : this() => SetHandle(raw);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Native.dg_optimizer_free(handle);
        return true;
    }
}
