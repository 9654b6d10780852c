using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Degenerate.Tensors.Engines;

namespace Degenerate.Statistics;

/// <summary>
/// One GLM pass over a float64 design in host memory, in managed code: the CPU pass of both engines (through
/// <see cref="GlmHostKernels"/> and <see cref="GlmTensorKernels"/>; glm.cpp's libtorch-op pass serves other devices).
/// Per block of 128 rows the linear predictor runs row by row, the logistic terms four rows at a time with
/// <see cref="SimdMath"/> (the other families' terms as scalar loops); then XᵀHX (upper triangle) and the score Xᵀs
/// accumulate together through 4×8 (4×4 at a ragged right edge) register tiles of AVX2 FMAs over the block, packed
/// once into zero-padded buffers that stay in L1. Tiles strictly below the diagonal are skipped (XᵀHX is symmetric).
/// Nothing of the size of the design is allocated; an intercept's column of ones is implicit.
/// </summary>
internal static unsafe class GlmHostPass
{
    private const int Pack = 128;

    // Rows per parallel block: blocks are contiguous row ranges, summed in block order (deterministic per thread count).
    private const long MinBlockRows = 4096;

    /// <summary>Whether this CPU runs the kernel (AVX2 and FMA).</summary>
    public static bool Supported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Whether the families' formulas here cover (family, link): the canonical links and Gamma/log.</summary>
    public static bool Covers(Family family, Link link) => (family, link) is (Family.Gaussian, Link.Identity)
        or (Family.Binomial, Link.Logit) or (Family.Poisson, Link.Log) or (Family.Gamma, Link.Inverse) or (Family.Gamma, Link.Log);

    /// <summary>Score, information (both halves), log-likelihood kernel and max |y − μ| of one pass.</summary>
    public readonly record struct Sums(double[] Score, double[,] Information, double Kernel, double MaxResidual);

    /// <summary>
    /// One pass over x [n × cols] (row-major; the design is [1, x] when <paramref name="intercept"/>) at β [p], with
    /// optional per-row weights w (null: ones), on up to <paramref name="threads"/> threads.
    /// </summary>
    /// <remarks><paramref name="kernel"/> false skips the log-likelihood kernel (Newton needs only the score and
    /// information); <see cref="Sums.Kernel"/> is then 0.</remarks>
    public static Sums Run(double* x, long n, int cols, bool intercept, double* y, double* w, Family family, Link link, bool observed,
        double* beta, int threads, bool kernel = true)
    {
        var p = cols + (intercept ? 1 : 0);
        var blocks = (int)Math.Max(1, Math.Min(threads, n / MinBlockRows));
        var states = new State[blocks];
        var job = new Job(x, n, cols, intercept, y, w, family, link, observed, beta, kernel);
        if (blocks == 1) states[0] = Block(job, 0, n);
        else Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks },
            b => states[b] = Block(job, n * b / blocks, n * (b + 1) / blocks));
        var score = new double[p];
        var info = new double[p, p];
        double total = 0, maxResidual = 0;
        foreach (var s in states)
        {
            for (var a = 0; a < p; a++)
            {
                for (var c = a; c < p; c++) info[a, c] += s.G[a * s.Cols8 + c];
                score[a] += s.G[p * s.Cols8 + a];
            }
            total += s.Kernel;
            maxResidual = Math.Max(maxResidual, s.MaxResidual);  // NaN propagates, as libtorch's max
        }
        for (var a = 0; a < p; a++)
            for (var c = a + 1; c < p; c++) info[c, a] = info[a, c];
        return new Sums(score, info, total, maxResidual);
    }

    private readonly struct Job(double* x, long n, int cols, bool intercept, double* y, double* w, Family family, Link link, bool observed,
        double* beta, bool kernel)
    {
        public readonly double* X = x, Y = y, W = w, Beta = beta;
        public readonly long N = n;
        public readonly int Cols = cols;
        public readonly bool Intercept = intercept, Observed = observed, Kernel = kernel;
        public readonly Family Family = family;
        public readonly Link Link = link;
    }

    // One block's accumulators: G is [rows4 × cols8], rows a < p the upper triangle of XᵀHX, row p the score.
    private sealed class State(int p)
    {
        public readonly int Rows4 = (p + 1 + 3) / 4 * 4, Cols8 = (p + 7) / 8 * 8;
        public readonly double[] G = new double[((p + 1 + 3) / 4 * 4) * ((p + 7) / 8 * 8)];
        public double Kernel, MaxResidual;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static State Block(Job job, long first, long last)
    {
        int cols = job.Cols, off = job.Intercept ? 1 : 0, p = cols + off;
        var st = new State(p);
        int P4 = st.Rows4, P8 = st.Cols8;
        // Zero padding beyond p (and beyond the score column) is set once and never written.
        var xpArr = GC.AllocateArray<double>(Pack * P8, pinned: true);
        var vpArr = GC.AllocateArray<double>(Pack * P4, pinned: true);
        // Per-row terms of one block: η, y, then s, h, ℓ and y − μ (a last block's lanes past its rows hold stale values, unread).
        var rowArr = GC.AllocateArray<double>(6 * Pack, pinned: true);
        var logit = job.Family == Family.Binomial && job.Link == Link.Logit;
        fixed (double* g = st.G)
        {
            var xp = (double*)Unsafe.AsPointer(ref xpArr[0]);
            var vp = (double*)Unsafe.AsPointer(ref vpArr[0]);
            var eta = (double*)Unsafe.AsPointer(ref rowArr[0]);
            double* yb = eta + Pack, sb = yb + Pack, hb = sb + Pack, lb = hb + Pack, rb = lb + Pack;
            double kernel = 0, maxResidual = 0;
            var b0 = job.Intercept ? job.Beta[0] : 0;
            var bx = job.Beta + off;
            for (var r0 = first; r0 < last; r0 += Pack)
            {
                var nr = (int)Math.Min(Pack, last - r0);
                var xb = job.X + r0 * cols;
                for (var k = 0; k < nr; k++)
                {
                    // The row is read once: η from it while it is copied into the packed buffer.
                    eta[k] = DotAndCopy(xb + k * cols, bx, cols, xp + k * P8 + off) + b0;
                    yb[k] = job.Y[r0 + k];
                }
                if (logit) LogitTerms(eta, yb, nr, job.Kernel, sb, hb, lb, rb);
                else
                {
                    for (var k = 0; k < nr; k++)
                    {
                        Terms(job.Family, job.Link, job.Observed, eta[k], yb[k], out sb[k], out hb[k], out lb[k], out rb[k]);
                    }
                }
                for (var k = 0; k < nr; k++)
                {
                    if (job.W != null)
                    {
                        var wk = job.W[r0 + k];
                        sb[k] *= wk;
                        hb[k] *= wk;
                        lb[k] *= wk;
                    }
                    kernel += lb[k];
                    maxResidual = Math.Max(maxResidual, Math.Abs(rb[k]));  // NaN propagates, as libtorch's max
                }
                for (var k = 0; k < nr; k++) PackRow(xp + k * P8, cols, off, hb[k], sb[k], vp + k * P4, p);
                Tiles(xp, vp, g, nr, p, P4, P8);
            }
            st.Kernel = job.Kernel ? kernel : 0;
            st.MaxResidual = maxResidual;
        }
        return st;
    }

    // One row of V from the packed x row xo (ones column first when off = 1): h·x, then the score weight in column p.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PackRow(double* xo, int cols, int off, double h, double s, double* vo, int p)
    {
        if (off == 1)
        {
            xo[0] = 1;
            vo[0] = h;
        }
        var hv = Vector256.Create(h);
        var a = off;
        for (; a + 4 <= p; a += 4) Avx.Store(vo + a, Avx.Multiply(hv, Avx.LoadVector256(xo + a)));
        for (; a < p; a++) vo[a] = h * xo[a];
        vo[p] = s;
    }

    // Binomial/logit terms four rows at a time with one exponential per row: e = exp(−|η|) gives μ = 1/(1 + e) for
    // η ≥ 0 and e/(1 + e) below, and softplus(η) = max(η, 0) + log1p(e) for the kernel y·η − softplus(η).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LogitTerms(double* eta, double* y, int nr, bool kernel, double* s, double* h, double* l, double* r)
    {
        var one = Vector256<double>.One;
        var signMask = Vector256.Create(-0.0);
        for (var k = 0; k < nr; k += 4)
        {
            var et = Avx.LoadVector256(eta + k);
            var yv = Avx.LoadVector256(y + k);
            var e = SimdMath.Exp(Avx.Or(et, signMask));  // exp(−|η|)
            var inv = Avx.Divide(one, Avx.Add(one, e));
            var mu = Avx.BlendVariable(inv, Avx.Multiply(e, inv), Avx.CompareLessThan(et, Vector256<double>.Zero));
            var resid = Avx.Subtract(yv, mu);
            Avx.Store(s + k, resid);
            Avx.Store(r + k, resid);
            Avx.Store(h + k, Avx.Multiply(mu, Avx.Subtract(one, mu)));
            if (kernel)
            {
                var softplus = Avx.Add(Avx.Max(et, Vector256<double>.Zero), SimdMath.Log1p(e));
                Avx.Store(l + k, Fma.MultiplySubtract(yv, et, softplus));
            }
            else Avx.Store(l + k, Vector256<double>.Zero);
        }
    }

    // G[a0..a0+4, b0..b0+8] += Σₖ vp[k, a]·xp[k, b] for every tile on or above the diagonal, and the score row's.
    // Tiles are 8 columns wide, 4 where at most 4 real columns remain (no FMAs on padding); when p is a multiple
    // of 4 the score is a row block of its own, done as one row rather than a tile of three zero rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tiles(double* xp, double* vp, double* g, int nr, int p, int P4, int P8)
    {
        var scoreAlone = p % 4 == 0;
        var rowEnd = scoreAlone ? p : P4;
        for (var a0 = 0; a0 < rowEnd; a0 += 4)
        {
            var scoreRow = a0 + 3 >= p;
            for (var b0 = 0; b0 < p; b0 += 8)
            {
                if (!scoreRow && b0 + 7 < a0) continue;
                if (p - b0 <= 4) Tile4(xp + b0, vp + a0, g + a0 * P8 + b0, nr, P4, P8);
                else Tile8(xp + b0, vp + a0, g + a0 * P8 + b0, nr, P4, P8);
            }
        }
        if (scoreAlone) ScoreRow(xp, vp + p, g + p * P8, nr, p, P4, P8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile8(double* xk, double* vk, double* o, int nr, int P4, int P8)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default;
        for (var k = 0; k < nr; k++, xk += P8, vk += P4)
        {
            var x0 = Avx.LoadVector256(xk);
            var x1 = Avx.LoadVector256(xk + 4);
            var v = Vector256.Create(vk[0]);
            c00 = Fma.MultiplyAdd(v, x0, c00);
            c01 = Fma.MultiplyAdd(v, x1, c01);
            v = Vector256.Create(vk[1]);
            c10 = Fma.MultiplyAdd(v, x0, c10);
            c11 = Fma.MultiplyAdd(v, x1, c11);
            v = Vector256.Create(vk[2]);
            c20 = Fma.MultiplyAdd(v, x0, c20);
            c21 = Fma.MultiplyAdd(v, x1, c21);
            v = Vector256.Create(vk[3]);
            c30 = Fma.MultiplyAdd(v, x0, c30);
            c31 = Fma.MultiplyAdd(v, x1, c31);
        }
        Add(o, c00, c01);
        Add(o + P8, c10, c11);
        Add(o + 2 * P8, c20, c21);
        Add(o + 3 * P8, c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4(double* xk, double* vk, double* o, int nr, int P4, int P8)
    {
        Vector256<double> c0 = default, c1 = default, c2 = default, c3 = default;
        for (var k = 0; k < nr; k++, xk += P8, vk += P4)
        {
            var x0 = Avx.LoadVector256(xk);
            c0 = Fma.MultiplyAdd(Vector256.Create(vk[0]), x0, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(vk[1]), x0, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(vk[2]), x0, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(vk[3]), x0, c3);
        }
        Avx.Store(o, Avx.Add(Avx.LoadVector256(o), c0));
        Avx.Store(o + P8, Avx.Add(Avx.LoadVector256(o + P8), c1));
        Avx.Store(o + 2 * P8, Avx.Add(Avx.LoadVector256(o + 2 * P8), c2));
        Avx.Store(o + 3 * P8, Avx.Add(Avx.LoadVector256(o + 3 * P8), c3));
    }

    // The score row G[p, ·] += Σₖ s[k]·xp[k, ·], four columns at a time.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScoreRow(double* xp, double* sk, double* o, int nr, int p, int P4, int P8)
    {
        for (var b0 = 0; b0 < p; b0 += 4)
        {
            Vector256<double> c0 = default, c1 = default;
            double* xk = xp + b0, vk = sk;
            var k = 0;
            for (; k + 2 <= nr; k += 2, xk += 2 * P8, vk += 2 * P4)
            {
                c0 = Fma.MultiplyAdd(Vector256.Create(vk[0]), Avx.LoadVector256(xk), c0);
                c1 = Fma.MultiplyAdd(Vector256.Create(vk[P4]), Avx.LoadVector256(xk + P8), c1);
            }
            if (k < nr) c0 = Fma.MultiplyAdd(Vector256.Create(vk[0]), Avx.LoadVector256(xk), c0);
            Avx.Store(o + b0, Avx.Add(Avx.LoadVector256(o + b0), Avx.Add(c0, c1)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(double* o, Vector256<double> lo, Vector256<double> hi)
    {
        Avx.Store(o, Avx.Add(Avx.LoadVector256(o), lo));
        Avx.Store(o + 4, Avx.Add(Avx.LoadVector256(o + 4), hi));
    }

    /// <summary>Σ a[i]·b[i] (a row's linear predictor), copying a into <paramref name="copy"/> on the way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double DotAndCopy(double* a, double* b, int n, double* copy)
    {
        var i = 0;
        var sum = 0.0;
        if (n >= 4)
        {
            Vector256<double> s0 = default, s1 = default;
            for (; i + 8 <= n; i += 8)
            {
                var a0 = Avx.LoadVector256(a + i);
                var a1 = Avx.LoadVector256(a + i + 4);
                Avx.Store(copy + i, a0);
                Avx.Store(copy + i + 4, a1);
                s0 = Fma.MultiplyAdd(a0, Avx.LoadVector256(b + i), s0);
                s1 = Fma.MultiplyAdd(a1, Avx.LoadVector256(b + i + 4), s1);
            }
            for (; i + 4 <= n; i += 4)
            {
                var a0 = Avx.LoadVector256(a + i);
                Avx.Store(copy + i, a0);
                s0 = Fma.MultiplyAdd(a0, Avx.LoadVector256(b + i), s0);
            }
            sum = Vector256.Sum(Avx.Add(s0, s1));
        }
        for (; i < n; i++)
        {
            copy[i] = a[i];
            sum += a[i] * b[i];
        }
        return sum;
    }

    /// <summary>Σ a[i]·b[i] with two vector accumulators (the linear predictor of one row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Dot(double* a, double* b, int n)
    {
        var i = 0;
        var sum = 0.0;
        if (n >= 8)
        {
            Vector256<double> s0 = default, s1 = default;
            for (; i + 8 <= n; i += 8)
            {
                s0 = Fma.MultiplyAdd(Avx.LoadVector256(a + i), Avx.LoadVector256(b + i), s0);
                s1 = Fma.MultiplyAdd(Avx.LoadVector256(a + i + 4), Avx.LoadVector256(b + i + 4), s1);
            }
            sum = Vector256.Sum(Avx.Add(s0, s1));
        }
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>Per-observation score weight s = ∂ℓ/∂η, information weight h, kernel ℓ and y − μ (glm.cpp's formulas).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Terms(Family family, Link link, bool observed, double eta, double y, out double s, out double h, out double l,
        out double resid)
    {
        var mu = link switch
        {
            Link.Identity => eta,
            Link.Logit => 1 / (1 + Math.Exp(-eta)),
            Link.Log => Math.Exp(eta),
            _ => 1 / eta,  // Link.Inverse (Covers admits no other)
        };
        resid = y - mu;
        switch (family)
        {
            case Family.Gaussian:
                s = resid;
                h = 1;
                l = -0.5 * resid * resid;
                return;
            case Family.Binomial:
                s = resid;
                h = mu * (1 - mu);
                l = y * eta - (eta > 20 ? eta : ManagedGemm<double>.Log1p(Math.Exp(eta)));  // libtorch's softplus threshold
                return;
            case Family.Poisson:
                s = resid;
                h = mu;
                l = y * eta - mu;
                return;
            default:
                if (link == Link.Inverse)
                {
                    // μ = 1/η: ∂ℓ/∂η = μ − y, −∂²ℓ/∂η² = μ² (canonical up to sign)
                    s = -resid;
                    h = mu * mu;
                    l = -y * eta + Math.Log(eta);
                    return;
                }
                // Gamma/log, μ = e^η: ∂ℓ/∂η = y/μ − 1; expected information 1, observed y/μ
                var ratio = y * Math.Exp(-eta);
                s = ratio - 1;
                h = observed ? ratio : 1;
                l = -ratio - eta;
                return;
        }
    }
}
