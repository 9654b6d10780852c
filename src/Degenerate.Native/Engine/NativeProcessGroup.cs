using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>Owns one ProcessGroupGloo of the shim.</summary>
internal sealed class NativeProcessGroup(IntPtr pointer) : NativeOwned(pointer), ICollectiveGroup
{
    public unsafe void AllReduce(IReadOnlyList<EngineTensor> tensors, int op, long bucketBytes, TimeSpan timeout)
    {
        using var handles = new HandleArray(tensors);
        fixed (IntPtr* p = handles.Pointers)
            Native.Check(Native.dg_pg_allreduce(Pointer, p, tensors.Count, op, bucketBytes, NativeDistributed.Milliseconds(timeout)));
    }

    public unsafe void Broadcast(IReadOnlyList<EngineTensor> tensors, int root, TimeSpan timeout)
    {
        using var handles = new HandleArray(tensors);
        fixed (IntPtr* p = handles.Pointers)
            Native.Check(Native.dg_pg_broadcast(Pointer, p, tensors.Count, root, NativeDistributed.Milliseconds(timeout)));
    }

    public EngineTensor AllGather(EngineTensor tensor, TimeSpan timeout)
    {
        var status = Native.dg_pg_allgather(Pointer, (TensorHandle)tensor, NativeDistributed.Milliseconds(timeout), out var h);
        if (status != 0)
        {
            h.Dispose();
            Native.Check(status);
        }
        return h;
    }

    public void Barrier(TimeSpan timeout) => Native.Check(Native.dg_pg_barrier(Pointer, NativeDistributed.Milliseconds(timeout)));

    protected override void Free(IntPtr pointer) => Native.dg_pg_free(pointer);
}
