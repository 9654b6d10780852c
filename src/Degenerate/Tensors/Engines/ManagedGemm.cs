using System.Numerics;
using System.Runtime.CompilerServices;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// The small dense products and activations of the managed training plan on raw row-major memory (the C# side of
/// plan.cpp's loops). At the sizes these plans run (a few to a few hundred units), a per-operation dispatch costs more
/// than the arithmetic; rows are walked with <see cref="Vector{T}"/> where they are at least one vector wide.
/// </summary>
internal static unsafe class ManagedGemm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static int Width => Vector<T>.Count;

    /// <summary>y[0..n) += alpha · x[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(T alpha, T* x, T* y, long n)
    {
        long j = 0;
        if (n >= Width)
        {
            var va = new Vector<T>(alpha);
            for (; j + Width <= n; j += Width)
                Unsafe.WriteUnaligned(y + j, Unsafe.ReadUnaligned<Vector<T>>(y + j) + va * Unsafe.ReadUnaligned<Vector<T>>(x + j));
        }
        for (; j < n; j++) y[j] += alpha * x[j];
    }

    /// <summary>y[0..n) = alpha · x[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scale(T alpha, T* x, T* y, long n)
    {
        long j = 0;
        if (n >= Width)
        {
            var va = new Vector<T>(alpha);
            for (; j + Width <= n; j += Width)
                Unsafe.WriteUnaligned(y + j, va * Unsafe.ReadUnaligned<Vector<T>>(x + j));
        }
        for (; j < n; j++) y[j] = alpha * x[j];
    }

    /// <summary>y[0..n) += x[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(T* x, T* y, long n)
    {
        long j = 0;
        if (n >= Width)
            for (; j + Width <= n; j += Width)
                Unsafe.WriteUnaligned(y + j, Unsafe.ReadUnaligned<Vector<T>>(y + j) + Unsafe.ReadUnaligned<Vector<T>>(x + j));
        for (; j < n; j++) y[j] += x[j];
    }

    /// <summary>Σ x[p]·y[p] over [0..n), with independent partial sums (so the adds overlap, as in plan.cpp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot(T* x, T* y, long n)
    {
        long p = 0;
        T sum = T.Zero;
        if (n >= Width)
        {
            var acc = Vector<T>.Zero;
            for (; p + Width <= n; p += Width)
                acc += Unsafe.ReadUnaligned<Vector<T>>(x + p) * Unsafe.ReadUnaligned<Vector<T>>(y + p);
            sum = Vector.Sum(acc);
        }
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
        for (; p + 4 <= n; p += 4)
        {
            s0 += x[p] * y[p];
            s1 += x[p + 1] * y[p + 1];
            s2 += x[p + 2] * y[p + 2];
            s3 += x[p + 3] * y[p + 3];
        }
        for (; p < n; p++) s0 += x[p] * y[p];
        return sum + ((s0 + s1) + (s2 + s3));
    }

    /// <summary>c[m×n] = a[m×k] · b[k×n] (a layer's forward product).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(T* a, T* b, T* c, long m, long k, long n)
    {
        if (n % Width == 0 && n <= 4 * Width)
        {
            ForwardInRegisters(a, b, c, m, k, n / Width);
            return;
        }
        for (long i = 0; i < m; i++)
        {
            T* ai = a + i * k, ci = c + i * n;
            if (n == 1)
            {
                ci[0] = Dot(ai, b, k);  // b's one column is contiguous
                continue;
            }
            Scale(ai[0], b, ci, n);
            for (long p = 1; p < k; p++) Axpy(ai[p], b + p * n, ci, n);
        }
    }

    // Forward for rows of one to four vectors: each output row's sums stay in registers over the k products (the
    // same order of additions as the Axpy loop: a[i,0]·b[0] first).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardInRegisters(T* a, T* b, T* c, long m, long k, long vectors)
    {
        var n = vectors * Width;
        for (long i = 0; i < m; i++)
        {
            T* ai = a + i * k, ci = c + i * n;
            Vector<T> v0 = Vector<T>.Zero, v1 = Vector<T>.Zero, v2 = Vector<T>.Zero, v3 = Vector<T>.Zero;
            for (long p = 0; p < k; p++)
            {
                var s = new Vector<T>(ai[p]);
                T* bp = b + p * n;
                v0 += s * Unsafe.ReadUnaligned<Vector<T>>(bp);
                if (vectors > 1) v1 += s * Unsafe.ReadUnaligned<Vector<T>>(bp + Width);
                if (vectors > 2) v2 += s * Unsafe.ReadUnaligned<Vector<T>>(bp + 2 * Width);
                if (vectors > 3) v3 += s * Unsafe.ReadUnaligned<Vector<T>>(bp + 3 * Width);
            }
            Unsafe.WriteUnaligned(ci, v0);
            if (vectors > 1) Unsafe.WriteUnaligned(ci + Width, v1);
            if (vectors > 2) Unsafe.WriteUnaligned(ci + 2 * Width, v2);
            if (vectors > 3) Unsafe.WriteUnaligned(ci + 3 * Width, v3);
        }
    }

    /// <summary>c[k×n] = aᵀ · d with a stored [m×k] and d [m×n] (a kernel's gradient: inputᵀ · delta).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void KernelGradient(T* a, T* d, T* c, long m, long k, long n)
    {
        new Span<T>(c, checked((int)(k * n))).Clear();
        for (long r = 0; r < m; r++)
        {
            T* ar = a + r * k, dr = d + r * n;
            if (n == 1)
            {
                Axpy(dr[0], ar, c, k);  // the gradient's one column gathers the rows of a
                continue;
            }
            for (long p = 0; p < k; p++) Axpy(ar[p], dr, c + p * n, n);
        }
    }

    /// <summary>c[m×k] = d · wᵀ with d stored [m×n] and w [k×n] (the delta one layer down: delta · kernelᵀ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient(T* d, T* w, T* c, long m, long n, long k)
    {
        for (long r = 0; r < m; r++)
        {
            T* dr = d + r * n, cr = c + r * k;
            if (n == 1)
            {
                Scale(dr[0], w, cr, k);  // w's one column is contiguous
                continue;
            }
            for (long p = 0; p < k; p++) cr[p] = Dot(dr, w + p * n, n);
        }
    }

    /// <summary>Adds the bias row to each of m rows of width n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBias(T* bias, T* z, long m, long n)
    {
        for (long r = 0; r < m; r++) Add(bias, z + r * n, n);
    }

    /// <summary>g[0..n) = Σ over m rows of d (a bias's gradient).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSums(T* d, T* g, long m, long n)
    {
        new Span<T>(g, checked((int)n)).Clear();
        for (long r = 0; r < m; r++) Add(d + r * n, g, n);
    }

    /// <summary>libtorch's sigmoid formula: exp(−z) = ∞ gives 0, as it should.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid(T z) => T.One / (T.One + T.Exp(-z));

    /// <summary>a = act(z) over n elements (codes as TrainingPlan's: 0 linear, 1 sigmoid, 2 relu, 3 tanh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Activate(int act, T* z, T* a, long n)
    {
        switch (act)
        {
            case ManagedFusedKernels.Linear:
                if (z != a) new Span<T>(z, checked((int)n)).CopyTo(new Span<T>(a, checked((int)n)));
                break;
            case ManagedFusedKernels.SigmoidCode:
                for (long i = 0; i < n; i++) a[i] = Sigmoid(z[i]);
                break;
            case ManagedFusedKernels.Relu:
                ReluSelect(z, z, a, n);
                break;
            case ManagedFusedKernels.Tanh:
                for (long i = 0; i < n; i++) a[i] = T.Tanh(z[i]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(act), act, "activation code not supported by training plans (0-3)");
        }
    }

    /// <summary>d *= act′(z) over n elements, with a = act(z) already computed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ActivationBackward(int act, T* z, T* a, T* d, long n)
    {
        switch (act)
        {
            case ManagedFusedKernels.Linear:
                break;
            case ManagedFusedKernels.SigmoidCode:
                for (long i = 0; i < n; i++) d[i] *= a[i] * (T.One - a[i]);
                break;
            case ManagedFusedKernels.Relu:
                ReluSelect(z, d, d, n);
                break;
            case ManagedFusedKernels.Tanh:
                for (long i = 0; i < n; i++) d[i] *= T.One - a[i] * a[i];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(act), act, "activation code not supported by training plans (0-3)");
        }
    }

    // r[i] = z[i] > 0 ? v[i] : 0, branch-free (random signs would mispredict a branch half the time); NaN gives 0,
    // as plan.cpp's comparison does.
    private static void ReluSelect(T* z, T* v, T* r, long n)
    {
        long i = 0;
        for (; i + Width <= n; i += Width)
        {
            var keep = Vector.GreaterThan(Unsafe.ReadUnaligned<Vector<T>>(z + i), Vector<T>.Zero);
            Unsafe.WriteUnaligned(r + i, Vector.ConditionalSelect(keep, Unsafe.ReadUnaligned<Vector<T>>(v + i), Vector<T>.Zero));
        }
        for (; i < n; i++) r[i] = z[i] > T.Zero ? v[i] : T.Zero;
    }

    /// <summary>Row-wise softmax of m rows of width n, in place: exp(z − max) / Σ, as libtorch computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softmax(T* z, long m, long n)
    {
        for (long r = 0; r < m; r++)
        {
            T* row = z + r * n;
            var max = row[0];
            for (long j = 1; j < n; j++) max = T.Max(max, row[j]);
            var sum = T.Zero;
            for (long j = 0; j < n; j++)
            {
                row[j] = T.Exp(row[j] - max);
                sum += row[j];
            }
            for (long j = 0; j < n; j++) row[j] /= sum;
        }
    }

    /// <summary>log(1 + x), accurate for small x (.NET's LogP1 computes log(1 + x) as written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log1p(T x)
    {
        var u = T.One + x;
        return u == T.One ? x : T.Log(u) * (x / (u - T.One));
    }
}
