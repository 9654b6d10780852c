using System.Runtime.InteropServices;

namespace Degenerate.Engines.Native;

// distributed.cpp: c10d stores and the Gloo process group.
internal static partial class Native
{
    [LibraryImport(Library)] internal static partial int dg_distributed_available();
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int dg_store_file(string path, int worldSize, out IntPtr result);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int dg_store_tcp(string host, int port, int isServer, int worldSize, long timeoutMs, int waitWorkers,
        out IntPtr result);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int dg_store_prefix(IntPtr store, string prefix, out IntPtr result);
    [LibraryImport(Library)] internal static partial void dg_store_free(IntPtr store);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int dg_store_set(IntPtr store, string key, void* data, long nbytes);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int dg_store_get(IntPtr store, string key, long timeoutMs, void* buffer, long capacity, out long nbytes);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int dg_store_add(IntPtr store, string key, long value, out long result);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int dg_pg_gloo(IntPtr store, int rank, int worldSize, long timeoutMs, string? interfaceName,
        string? hostname, out IntPtr result);
    [LibraryImport(Library)] internal static partial IntPtr dg_nccl_status();
    [LibraryImport(Library)]
    internal static partial int dg_pg_nccl(IntPtr store, int rank, int worldSize, long timeoutMs, int deviceIndex, out IntPtr result);
    [LibraryImport(Library)] internal static partial void dg_pg_free(IntPtr group);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_pg_allreduce(IntPtr group, IntPtr* tensors, int n, int op, long bucketBytes, long timeoutMs);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_pg_broadcast(IntPtr group, IntPtr* tensors, int n, int root, long timeoutMs);
    [LibraryImport(Library)]
    internal static partial int dg_pg_allgather(IntPtr group, TensorHandle t, long timeoutMs, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_pg_barrier(IntPtr group, long timeoutMs);
}
