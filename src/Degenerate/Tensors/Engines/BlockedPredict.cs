using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// The fused forward pass of a Dense stack, row-blocked for AVX2/FMA (both engines' predict plan). A block of rows
/// goes through every layer before the next block starts, so its activations never leave L1. Within a block the
/// activations are feature-major (feature j of row r at j·stride + r): a layer is then, for each output unit, a sum over
/// inputs of a broadcast weight times a vector of rows, which fills every lane whatever the layer's width (a 16 → 1
/// head wastes nothing, where a row-major product would use one lane of eight). The products are register tiles of
/// 2 vectors of rows × 4 units, the bias is the sums' starting value and relu is applied on the way out; the weights
/// are read where they are (a [in, out] kernel has a layer's four units side by side). Only the block's input is
/// transposed in and its output out, each element once.
/// </summary>
internal static unsafe class BlockedPredict<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int TileVectors = 2;
    private const int TileUnits = 4;

    /// <summary>Whether this machine runs the kernel (AVX2 and FMA, float32 or float64); otherwise ManagedPredict's loops.</summary>
    public static bool Supported =>
        Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    private static int Lanes => Vector256<T>.Count;

    /// <summary>The rows of a block: two activation buffers of the widest layer in about 16 KiB, a whole number of tiles.</summary>
    public static int BlockRows(long widest)
    {
        var tile = TileVectors * Lanes;
        var rows = 8192 / (Math.Max(1, widest) * sizeof(T)) / tile * tile;
        return (int)Math.Clamp(rows, tile, 256);
    }

    /// <summary>output[rows × last width] = the stack applied to x[rows × first width], blocks split over threads.</summary>
    public static void Run(DenseLayout net, IntPtr[] weights, T* x, T* output, long rows, int threads)
    {
        long widest = net.In[0];
        for (var l = 0; l < net.Layers; l++) widest = Math.Max(widest, net.Out[l]);
        var block = BlockRows(widest);
        var blocks = (rows + block - 1) / block;
        // A few parts per thread, so that a thread slowed by a neighbour does not hold up the end.
        var parts = threads <= 1 ? 1 : Math.Min(blocks, 4L * threads);
        if (parts <= 1)
        {
            Blocks(net, weights, x, output, rows, block, widest, 0, blocks);
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.For(0L, parts, options, p =>
            Blocks(net, weights, x, output, rows, block, widest, p * blocks / parts, (p + 1) * blocks / parts));
    }

    // Blocks [first, last) with this thread's two buffers. Every method of the kernel is compiled fully optimized at
    // once (AggressiveOptimization): the runtime's first tier would not inline the vector helpers, and a process's first
    // few predictions would run it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocks(DenseLayout net, IntPtr[] weights, T* x, T* output, long rows, int block, long widest, long first, long last)
    {
        var size = (nuint)(widest * block * sizeof(T));
        var buffers = (T*)NativeMemory.AlignedAlloc(2 * size, 64);
        try
        {
            for (var b = first; b < last; b++)
            {
                var r0 = b * block;
                Block(net, weights, x, output, r0, (int)Math.Min(block, rows - r0), block, buffers, buffers + widest * block);
            }
        }
        finally
        {
            NativeMemory.AlignedFree(buffers);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(DenseLayout net, IntPtr[] weights, T* x, T* output, long r0, int n, int stride, T* h, T* z)
    {
        var tile = TileVectors * Lanes;
        var padded = (n + tile - 1) / tile * tile;
        // The block's input, feature-major; rows past the end are zeros, computed and never written out.
        var k0 = net.In[0];
        var xr = x + r0 * k0;
        for (var r = 0; r < n; r++)
            for (long p = 0; p < k0; p++)
                h[p * stride + r] = xr[r * k0 + p];
        if (padded > n)
            for (long p = 0; p < k0; p++)
                new Span<T>(h + p * stride + n, padded - n).Clear();
        var L = net.Layers;
        for (var l = 0; l < L; l++)
        {
            var act = net.Activations[l];
            var bias = net.HasBias[l] ? (T*)weights[net.BiasIndex[l]] : null;
            Layer(h, (T*)weights[net.KernelIndex[l]], bias, z, net.In[l], net.Out[l], stride, padded, act == ManagedFusedKernels.Relu);
            if (act == ManagedFusedKernels.Softmax) VectorActivations<T>.Softmax(z, net.Out[l], stride, padded);
            else if (act != ManagedFusedKernels.Relu)
                for (long j = 0; j < net.Out[l]; j++) VectorActivations<T>.Activate(act, z + j * stride, padded);
            var swap = h;  // this layer's output is the next one's input
            h = z;
            z = swap;
        }
        // The last layer's output, row-major: one unit is a plain copy.
        var o = net.Out[L - 1];
        var target = output + r0 * o;
        if (o == 1)
        {
            new ReadOnlySpan<T>(h, n).CopyTo(new Span<T>(target, n));
            return;
        }
        for (var r = 0; r < n; r++)
            for (long j = 0; j < o; j++)
                target[r * o + j] = h[j * stride + r];
    }

    // z[j][r] = act(bias[j] + Σp h[p][r] · w[p, j]) for the rows [0, rows) of a block, in register tiles.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Layer(T* h, T* w, T* bias, T* z, long k, long o, long stride, int rows, bool relu)
    {
        var tile = TileVectors * Lanes;
        for (var r = 0; r < rows; r += tile)
        {
            long j = 0;
            for (; j + TileUnits <= o; j += TileUnits) Tile(h + r, w, bias, z + r, k, o, j, stride, relu, TileUnits);
            switch (o - j)
            {
                case 3: Tile(h + r, w, bias, z + r, k, o, j, stride, relu, 3); break;
                case 2: Tile(h + r, w, bias, z + r, k, o, j, stride, relu, 2); break;
                case 1: Tile(h + r, w, bias, z + r, k, o, j, stride, relu, 1); break;
            }
        }
    }

    // Units [j, j + units) for two vectors of rows: each unit's sums start at its bias and stay in registers over the k
    // inputs. Inlined with a constant units, so the JIT drops the unused accumulators.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(T* h, T* w, T* bias, T* z, long k, long o, long j, long stride, bool relu, int units)
    {
        var lanes = Lanes;
        Vector256<T> b0 = default, b1 = default, b2 = default, b3 = default;
        if (bias != null)
        {
            b0 = Vector256.Create(bias[j]);
            if (units > 1) b1 = Vector256.Create(bias[j + 1]);
            if (units > 2) b2 = Vector256.Create(bias[j + 2]);
            if (units > 3) b3 = Vector256.Create(bias[j + 3]);
        }
        Vector256<T> a00 = b0, a01 = b0, a10 = b1, a11 = b1, a20 = b2, a21 = b2, a30 = b3, a31 = b3;
        var wp = w + j;
        var hp = h;
        for (long p = 0; p < k; p++, wp += o, hp += stride)
        {
            var x0 = Vector256.Load(hp);
            var x1 = Vector256.Load(hp + lanes);
            var c = Vector256.Create(wp[0]);
            a00 = VectorActivations<T>.Fma(x0, c, a00);
            a01 = VectorActivations<T>.Fma(x1, c, a01);
            if (units > 1)
            {
                c = Vector256.Create(wp[1]);
                a10 = VectorActivations<T>.Fma(x0, c, a10);
                a11 = VectorActivations<T>.Fma(x1, c, a11);
            }
            if (units > 2)
            {
                c = Vector256.Create(wp[2]);
                a20 = VectorActivations<T>.Fma(x0, c, a20);
                a21 = VectorActivations<T>.Fma(x1, c, a21);
            }
            if (units > 3)
            {
                c = Vector256.Create(wp[3]);
                a30 = VectorActivations<T>.Fma(x0, c, a30);
                a31 = VectorActivations<T>.Fma(x1, c, a31);
            }
        }
        Store(z + j * stride, a00, a01, relu);
        if (units > 1) Store(z + (j + 1) * stride, a10, a11, relu);
        if (units > 2) Store(z + (j + 2) * stride, a20, a21, relu);
        if (units > 3) Store(z + (j + 3) * stride, a30, a31, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* z, Vector256<T> v0, Vector256<T> v1, bool relu)
    {
        if (relu)
        {
            v0 = VectorActivations<T>.Relu(v0);
            v1 = VectorActivations<T>.Relu(v1);
        }
        Vector256.Store(v0, z);
        Vector256.Store(v1, z + Lanes);
    }
}
