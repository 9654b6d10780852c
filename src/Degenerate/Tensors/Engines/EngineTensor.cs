using System.Runtime.InteropServices;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// One tensor reference owned by an engine (a native at::Tensor of the shim, or a TorchSharp tensor), released exactly
/// once. A SafeHandle, so a tensor in use by a native call cannot be freed under it and a disposed one is detected.
/// Counts the live references process-wide: <see cref="Tensor.LiveCount"/>.
/// </summary>
internal abstract class EngineTensor : SafeHandle
{
    private static long _live;

    protected EngineTensor() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Engine tensors currently owned by Tensor objects (counted when wrapped, uncounted when released).</summary>
    internal static long Live => Interlocked.Read(ref _live);

    internal static void Counted() => Interlocked.Increment(ref _live);

    protected sealed override bool ReleaseHandle()
    {
        Free();
        Interlocked.Decrement(ref _live);
        return true;
    }

    /// <summary>Releases the engine's tensor (called once, by the SafeHandle machinery).</summary>
    protected abstract void Free();
}
