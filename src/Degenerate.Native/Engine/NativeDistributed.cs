using System.Runtime.InteropServices;
using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>
/// The native engine's c10d runtime: FileStore/TCPStore/PrefixStore, ProcessGroupGloo and, on a shim built against a
/// CUDA libtorch with NCCL, ProcessGroupNCCL (distributed.cpp).
/// </summary>
internal sealed class NativeDistributed : IDistributedEngine
{
    public bool Available => Native.dg_distributed_available() != 0;

    public string? NcclUnavailableReason
    {
        get
        {
            var reason = Marshal.PtrToStringUTF8(Native.dg_nccl_status());
            return string.IsNullOrEmpty(reason) ? null : reason;
        }
    }

    internal static long Milliseconds(TimeSpan timeout) => Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds));

    public ICollectiveStore OpenFileStore(string path, int worldSize)
    {
        Native.Check(Native.dg_store_file(path, worldSize, out var h));
        return new NativeStore(h);
    }

    public ICollectiveStore OpenTcpStore(string host, int port, bool isServer, int worldSize, TimeSpan timeout, bool waitWorkers)
    {
        Native.Check(Native.dg_store_tcp(host, port, isServer ? 1 : 0, worldSize, Milliseconds(timeout), waitWorkers ? 1 : 0, out var h));
        return new NativeStore(h);
    }

    public ICollectiveStore Prefix(ICollectiveStore store, string prefix)
    {
        Native.Check(Native.dg_store_prefix(((NativeStore)store).Pointer, prefix, out var h));
        return new NativeStore(h);
    }

    public ICollectiveGroup OpenGloo(ICollectiveStore store, int rank, int worldSize, TimeSpan timeout, string? interfaceName,
        string? hostname)
    {
        Native.Check(Native.dg_pg_gloo(((NativeStore)store).Pointer, rank, worldSize, Milliseconds(timeout), interfaceName,
            hostname, out var h));
        return new NativeProcessGroup(h);
    }

    public ICollectiveGroup OpenNccl(ICollectiveStore store, int rank, int worldSize, TimeSpan timeout, int deviceIndex)
    {
        Native.Check(Native.dg_pg_nccl(((NativeStore)store).Pointer, rank, worldSize, Milliseconds(timeout), deviceIndex, out var h));
        return new NativeProcessGroup(h);
    }
}
