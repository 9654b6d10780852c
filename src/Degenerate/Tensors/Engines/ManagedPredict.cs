using System.Numerics;
using System.Runtime.CompilerServices;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// The fused forward pass of a Dense stack over many rows, on both engines: <see cref="BlockedPredict{T}"/> where the
/// machine has AVX2 and FMA, else these portable loops (chunks of rows in parallel, each chunk's intermediate layers in
/// two cache-sized buffers of its thread).
/// </summary>
internal static unsafe class ManagedPredict<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>output[rows × last width] = the stack applied to x[rows × first width].</summary>
    public static void Run(DenseLayout net, IntPtr[] weights, T* x, T* output, long rows, long chunk, int threads)
    {
        if (BlockedPredict<T>.Supported && !ManagedPredictSettings.Portable)
        {
            BlockedPredict<T>.Run(net, weights, x, output, rows, threads);
            return;
        }
        var L = net.Layers;
        long widest = 0;
        for (var l = 0; l < L; l++) widest = Math.Max(widest, net.Out[l]);
        var chunks = (rows + chunk - 1) / chunk;
        var buffer = checked((int)(Math.Min(chunk, rows) * widest));
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.For(0L, chunks, options,
            () => (GC.AllocateUninitializedArray<T>(buffer, pinned: true), GC.AllocateUninitializedArray<T>(buffer, pinned: true)),
            (c, _, local) =>
            {
                fixed (T* b0 = local.Item1, b1 = local.Item2)
                    Chunk(net, weights, x, output, c * chunk, Math.Min(rows, c * chunk + chunk) - c * chunk, b0, b1);
                return local;
            },
            _ => { });
    }

    // One chunk of n rows from row r0, its intermediate layers alternating between two buffers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chunk(DenseLayout net, IntPtr[] weights, T* x, T* output, long r0, long n, T* b0, T* b1)
    {
        var L = net.Layers;
        var h = x + r0 * net.In[0];
        for (var l = 0; l < L; l++)
        {
            var o = net.Out[l];
            var z = l + 1 == L ? output + r0 * o : (l % 2 == 0 ? b0 : b1);
            ManagedGemm<T>.Forward(h, (T*)weights[net.KernelIndex[l]], z, n, net.In[l], o);
            if (net.HasBias[l]) ManagedGemm<T>.AddBias((T*)weights[net.BiasIndex[l]], z, n, o);
            if (net.Activations[l] == ManagedFusedKernels.Softmax) ManagedGemm<T>.Softmax(z, n, o);
            else ManagedGemm<T>.Activate(net.Activations[l], z, z, n * o);
            h = z;
        }
    }
}

/// <summary>Test switch: run predict plans through the portable loops even where the blocked kernel runs.</summary>
internal static class ManagedPredictSettings
{
    /// <summary>When set, <see cref="ManagedPredict{T}"/> skips the AVX2/FMA kernel.</summary>
    public static bool Portable { get; set; }
}
