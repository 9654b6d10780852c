using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Statistics;

/// <summary>
/// The GLM passes written on Degenerate's own tensor operations, for an engine without fused ones (or on a device the
/// fused ones do not serve): the same algorithm as the native shim's glm.cpp, in float64, the design processed in
/// row chunks so the implicit ones column costs a chunk-sized copy, never a copy of the whole design.
/// </summary>
internal sealed partial class GlmTensorKernels : IGlmKernels
{
    /// <summary>The one instance (the kernels hold no state).</summary>
    public static GlmTensorKernels Instance { get; } = new();

    // Rows per chunk: large enough that each chunk is a few BLAS calls, small enough that [1, x] stays cache-sized.
    private const long Chunk = 1 << 16;

    private GlmTensorKernels() { }

    private static readonly AsyncLocal<bool> TensorOnly = new();

    /// <summary>Tests: the tensor-operation pass (what other devices run) even for a design on the CPU.</summary>
    internal static bool TensorPassOnly
    {
        get => TensorOnly.Value;
        set => TensorOnly.Value = value;
    }

    private static ITensorEngine E => Engine.Current;

    /// <summary>A scope-owned Tensor over the caller's engine tensor (an alias: disposing it leaves the caller's alone).</summary>
    private static Tensor View(EngineTensor t) => new(E.Alias(t));

    /// <summary>A caller-owned engine tensor with the same storage as t (t itself stays with its scope).</summary>
    private static EngineTensor Give(Tensor t) => E.Alias(t.Handle);

    /// <summary>No view of a raw pointer here: GlmInput borrows the array itself where the engine can (BorrowArray), else copies.</summary>
    public unsafe EngineTensor? Borrow(double* data, long rows, long cols) => null;

    public EngineTensor LinearPredictor(EngineTensor x, bool intercept, EngineTensor beta)
    {
        using var scope = new DisposeScope();
        var xt = View(x);
        var b = View(beta);
        CheckDesign(xt);
        if (b.Rank == 1) return Give(Eta(xt, intercept, b));
        // multinomial [k−1, p]: η = X Bᵀ, [n, k−1]
        var c = xt.Size(1);
        var off = intercept ? 1 : 0;
        CheckBetaColumns(b, c + off, "multinomial beta must be [k-1, columns]");
        var eta = xt.MatMul(b.Slice(1, off, off + c).T());
        if (intercept) eta = eta + b.Slice(1, 0, 1).Squeeze(1);
        return Give(eta);
    }

    public (EngineTensor Score, EngineTensor Information, double Kernel) Information(EngineTensor x, bool intercept, EngineTensor y,
        EngineTensor? weights, Family family, Link link, bool observed, EngineTensor beta)
    {
        using var scope = new DisposeScope();
        var pass = Pass(View(x), intercept, View(y), weights is null ? null : View(weights), family, link, observed, View(beta));
        return (Give(pass.Score), Give(pass.Information), pass.Kernel);
    }

    /// <summary>One pass: score, information, log-likelihood kernel and max |y − μ| (for perfect-prediction checks).</summary>
    internal readonly record struct PassResult(Tensor Score, Tensor Information, double Kernel, double MaxResidual);

    /// <remarks><paramref name="kernel"/> false lets the host pass skip the log-likelihood kernel (Newton's passes).</remarks>
    internal static PassResult Pass(Tensor x, bool intercept, Tensor y, Tensor? w, Family family, Link link, bool observed, Tensor beta,
        bool kernel = true)
    {
        CheckDesign(x);
        if (y.Size(0) != x.Size(0))
            throw new ArgumentException($"y has {y.Size(0)} rows but x has {x.Size(0)}; they must have the same number of rows", nameof(y));
        if (w is not null && w.Size(0) != x.Size(0))
            throw new ArgumentException($"weights have {w.Size(0)} rows but x has {x.Size(0)}; they must have the same number of rows",
                "weights");
        CheckPair(family, link);
        using var noGrad = Autograd.NoGrad();
        var p = x.Size(1) + (intercept ? 1 : 0);
        if (family == Family.Multinomial)
        {
            CheckBetaColumns(beta, p, "multinomial beta must be [k-1, columns]");
            return Multinomial(x, intercept, y, w, beta);
        }
        if (beta.Rank != 1 || beta.Size(0) != p)
            throw new ArgumentException($"beta has shape {beta.ShapeString}; it must be [{p}] (the design's columns)", nameof(beta));
        return Univariate(x, intercept, y, w, family, link, observed, beta, kernel);
    }

    private static bool Canonical(Family family, Link link) => (family, link) is (Family.Gaussian, Link.Identity)
        or (Family.Binomial, Link.Logit) or (Family.Poisson, Link.Log) or (Family.Gamma, Link.Inverse) or (Family.Multinomial, Link.Logit);

    private static void CheckPair(Family family, Link link)
    {
        if (!Canonical(family, link) && (family, link) != (Family.Gamma, Link.Log))
            throw new ArgumentException($"unsupported family/link pair ({family}, {link}): the canonical links and Gamma with the log link are supported",
                nameof(link));
    }

    private static void CheckDesign(Tensor x)
    {
        if (x.Rank != 2) throw new ArgumentException($"x has shape {x.ShapeString}; it must be 2-D [rows, columns]", nameof(x));
        if (x.DType != DType.Float64) throw new ArgumentException($"x is {x.DType}; it must be float64", nameof(x));
    }

    private static void CheckBetaColumns(Tensor beta, long p, string message)
    {
        if (beta.Rank != 2 || beta.Size(1) != p)
            throw new ArgumentException($"{message}: beta has shape {beta.ShapeString}, the design {p} columns", nameof(beta));
    }

    /// <summary>η = Xβ for rows of the data, the intercept added rather than multiplied by a column of ones.</summary>
    internal static Tensor Eta(Tensor rows, bool intercept, Tensor beta)
    {
        if (!intercept) return rows.MatMul(beta);
        var p = beta.Size(0);
        return rows.MatMul(beta.Slice(0, 1, p)) + beta.Slice(0, 0, 1).Squeeze(0);
    }

    /// <summary>Rows [start, start + len) of the design, with the ones column prepended when the intercept is implicit.</summary>
    internal static Tensor DesignRows(Tensor x, bool intercept, long start, long len)
    {
        var rows = x.Slice(0, start, start + len);
        return intercept ? Tensor.Cat([Tensor.Ones([len, 1], DType.Float64, x.Device), rows], 1) : rows;
    }

    /// <summary>Per-observation score weight s = ∂ℓ/∂η, information weight h, kernel ℓ and residual y − μ.</summary>
    private static (Tensor S, Tensor H, Tensor L, Tensor Residual) ObservationTerms(Family family, Link link, bool observed,
        Tensor eta, Tensor y, Tensor? w)
    {
        var mu = link switch
        {
            Link.Identity => eta,
            Link.Logit => eta.Sigmoid(),
            Link.Log => eta.Exp(),
            Link.Inverse => eta.Reciprocal(),
            _ => throw new ArgumentException($"unknown link {link}", nameof(link)),
        };
        var resid = y - mu;
        Tensor s, h, l;
        switch (family, link)
        {
            case (Family.Gaussian, _):
                s = resid;
                h = Tensor.Ones(eta.Shape, DType.Float64, eta.Device);
                l = resid.Square() * -0.5;
                break;
            case (Family.Binomial, _):
                s = resid;
                h = mu * (1 - mu);
                l = y * eta - eta.Softplus();  // y·log μ + (1−y)·log(1−μ), stable in η
                break;
            case (Family.Poisson, _):
                s = resid;
                h = mu;
                l = y * eta - mu;
                break;
            case (Family.Gamma, Link.Inverse):
                // μ = 1/η: ∂ℓ/∂η = μ − y, −∂²ℓ/∂η² = μ² (canonical up to sign, so observed = expected)
                s = -resid;
                h = mu.Square();
                l = -y * eta + eta.Log();
                break;
            case (Family.Gamma, Link.Log):
                // μ = e^η: ∂ℓ/∂η = y/μ − 1; expected information 1, observed y/μ
                var ratio = y * (-eta).Exp();
                s = ratio - 1;
                h = observed ? ratio : Tensor.Ones(eta.Shape, DType.Float64, eta.Device);
                l = -ratio - eta;
                break;
            default:
                throw new ArgumentException($"unsupported family {family}", nameof(family));
        }
        if (w is not null)
        {
            s = s * w;
            h = h * w;
            l = l * w;
        }
        return (s, h, l, resid);
    }

    private static PassResult Univariate(Tensor x, bool intercept, Tensor y, Tensor? w, Family family, Link link, bool observed,
        Tensor beta, bool kernel)
    {
        long n = x.Size(0), p = x.Size(1) + (intercept ? 1 : 0);
        if (x.Device.Type == DeviceType.Cpu && p < 64 && !TensorPassOnly && GlmHostPass.Supported && GlmHostPass.Covers(family, link))
            return HostUnivariate(x, intercept, y, w, family, link, observed, beta, kernel);
        var g = Tensor.Zeros([p], DType.Float64, x.Device);
        var info = Tensor.Zeros([p, p], DType.Float64, x.Device);
        var ll = Tensor.Zeros([], DType.Float64, x.Device);
        var maxResid = Tensor.Zeros([], DType.Float64, x.Device);
        for (long start = 0; start < n; start += Chunk)
        {
            var len = Math.Min(Chunk, n - start);
            using var scope = new DisposeScope();
            var eta = Eta(x.Slice(0, start, start + len), intercept, beta);
            var (s, h, l, r) = ObservationTerms(family, link, observed, eta, y.Slice(0, start, start + len),
                w?.Slice(0, start, start + len));
            var xc = DesignRows(x, intercept, start, len);
            var xt = xc.T();
            g.AddInPlace(xt.MatMul(s));
            info.AddInPlace(xt.MatMul(xc * h.Unsqueeze(1)));
            ll.AddInPlace(l.Sum());
            maxResid.CopyFrom(maxResid.Maximum(r.Abs().Max()));
        }
        return new PassResult(g, info, ll.Item(), maxResid.Item());
    }

    // A design in host memory: the managed pass over the caller's data in place (no chunk copies, no weighted copies).
    private static unsafe PassResult HostUnivariate(Tensor x, bool intercept, Tensor y, Tensor? w, Family family, Link link, bool observed,
        Tensor beta, bool kernel)
    {
        using var host = new HostMemory(E);
        var sums = GlmHostPass.Run((double*)host.Of(x.Handle, DType.Float64), x.Size(0), (int)x.Size(1), intercept,
            (double*)host.Of(y.Handle, DType.Float64), w is null ? null : (double*)host.Of(w.Handle, DType.Float64), family, link, observed,
            (double*)host.Of(beta.Handle, DType.Float64), Math.Max(1, E.Threads), kernel);
        return new PassResult(Tensor.FromArray(sums.Score, x.Device), Tensor.FromArray(sums.Information, x.Device), sums.Kernel,
            sums.MaxResidual);
    }

    // Multinomial logit, class 0 the reference: β is [k−1, p] (class-major, statsmodels' order), y holds class indices.
    private static PassResult Multinomial(Tensor x, bool intercept, Tensor y, Tensor? w, Tensor beta)
    {
        long n = x.Size(0), p = x.Size(1) + (intercept ? 1 : 0), m = beta.Size(0);
        var g = Tensor.Zeros([m, p], DType.Float64, x.Device);
        var info = Tensor.Zeros([m * p, m * p], DType.Float64, x.Device);
        var ll = Tensor.Zeros([], DType.Float64, x.Device);
        var maxResid = Tensor.Zeros([], DType.Float64, x.Device);
        for (long start = 0; start < n; start += Chunk)
        {
            var len = Math.Min(Chunk, n - start);
            using var scope = new DisposeScope();
            var xc = DesignRows(x, intercept, start, len);
            var yc = y.Slice(0, start, start + len).To(DType.Int64);
            var eta = Tensor.Cat([Tensor.Zeros([len, 1], DType.Float64, x.Device), xc.MatMul(beta.T())], 1);  // [len, k]
            var logp = eta.LogSoftmax(1);
            var prob = logp.Exp();
            var onehot = yc.OneHot(m + 1).To(DType.Float64);
            var resid = onehot - prob;
            var wc = w?.Slice(0, start, start + len);
            var lobs = logp.Gather(1, yc.Unsqueeze(1)).Squeeze(1);
            ll.AddInPlace(wc is null ? lobs.Sum() : (lobs * wc).Sum());
            maxResid.CopyFrom(maxResid.Maximum(resid.Abs().Max()));
            var r = resid.Slice(1, 1, m + 1);
            var pr = prob.Slice(1, 1, m + 1);
            if (wc is not null)
            {
                r = r * wc.Unsqueeze(1);
                pr = pr * wc.Unsqueeze(1);  // weights enter each block once
            }
            g.AddInPlace(r.T().MatMul(xc));
            var xt = xc.T();
            var blocks = new Tensor[m, m];
            for (var j = 0; j < m; j++)
            {
                for (var k = j; k < m; k++)
                {
                    // −∂²ℓ/∂βⱼ∂βₖ = Xᵀ diag(w·pⱼ(δⱼₖ − pₖ)) X
                    var pj = pr.Slice(1, j, j + 1).Squeeze(1);
                    var hw = j == k ? pj * (1 - prob.Slice(1, j + 1, j + 2).Squeeze(1)) : -pj * prob.Slice(1, k + 1, k + 2).Squeeze(1);
                    blocks[j, k] = xt.MatMul(xc * hw.Unsqueeze(1));
                    if (k != j) blocks[k, j] = blocks[j, k].T();
                }
            }
            var rows = new Tensor[m];
            for (var j = 0; j < m; j++) rows[j] = Tensor.Cat(Enumerable.Range(0, (int)m).Select(k => blocks[j, k]).ToArray(), 1);
            info.AddInPlace(Tensor.Cat(rows, 0));
        }
        return new PassResult(g.Reshape(m * p), info, ll.Item(), maxResid.Item());
    }
}
