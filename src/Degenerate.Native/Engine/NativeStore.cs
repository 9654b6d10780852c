using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>Owns one c10d store of the shim.</summary>
internal sealed class NativeStore(IntPtr pointer) : ICollectiveStore
{
    private IntPtr _pointer = pointer;

    internal IntPtr Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == IntPtr.Zero, this);
            return _pointer;
        }
    }

    public unsafe void Set(string key, byte[] value)
    {
        fixed (byte* p = value) Native.Check(Native.dg_store_set(Pointer, key, p, value.Length));
    }

    public unsafe byte[] Get(string key, TimeSpan timeout)
    {
        var buffer = new byte[256];
        while (true)
        {
            long n;
            fixed (byte* p = buffer)
                Native.Check(Native.dg_store_get(Pointer, key, NativeDistributed.Milliseconds(timeout), p, buffer.Length, out n));
            if (n <= buffer.Length) return buffer[..(int)n];
            buffer = new byte[n];
        }
    }

    public long Add(string key, long value)
    {
        Native.Check(Native.dg_store_add(Pointer, key, value, out var result));
        return result;
    }

    public void Dispose()
    {
        var p = Interlocked.Exchange(ref _pointer, IntPtr.Zero);
        if (p != IntPtr.Zero) Native.dg_store_free(p);
    }
}
