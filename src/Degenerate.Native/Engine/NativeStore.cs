using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>Owns one c10d store of the shim.</summary>
internal sealed class NativeStore(IntPtr pointer) : NativeOwned(pointer), ICollectiveStore
{
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

    protected override void Free(IntPtr pointer) => Native.dg_store_free(pointer);
}
