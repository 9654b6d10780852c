namespace Degenerate.Engines.Native;

/// <summary>
/// Owns one object of the shim through its pointer: reading <see cref="Pointer"/> after Dispose throws
/// ObjectDisposedException, and Dispose frees the object exactly once even when called from two threads.
/// </summary>
internal abstract class NativeOwned(IntPtr pointer) : IDisposable
{
    private IntPtr _pointer = pointer;

    /// <summary>The shim's pointer; ObjectDisposedException once disposed.</summary>
    internal IntPtr Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == IntPtr.Zero, this);
            return _pointer;
        }
    }

    /// <summary>Frees the shim's object (called once, with the non-zero pointer).</summary>
    protected abstract void Free(IntPtr pointer);

    /// <inheritdoc/>
    public void Dispose()
    {
        var p = Interlocked.Exchange(ref _pointer, IntPtr.Zero);
        if (p != IntPtr.Zero) Free(p);
    }
}
