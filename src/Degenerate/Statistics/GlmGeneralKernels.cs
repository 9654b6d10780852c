using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Statistics;

/// <summary>
/// The GLM passes for what the fused kernels do not cover: an offset (offset and log-exposure) and every family/link
/// pair beyond the canonical ones and Gamma/log (probit, cloglog, Binomial log, Poisson identity and sqrt, ...). The
/// design products run as tensor operations in row chunks, as in <see cref="GlmTensorKernels"/>; the per-observation
/// factors (score, information, log-likelihood) are computed on the host in float64 by <see cref="LinkFunctions.Terms"/>
/// (one [chunk] transfer each way), so that every link needs only its scalar formulas and both engines give the same
/// numbers.
/// </summary>
internal sealed class GlmGeneralKernels : IGlmKernels
{
    private const long Chunk = 1 << 16;

    // η = Xβ + Offset; null for no offset.
    private readonly double[]? _offset;
    private readonly double _alpha;

    public GlmGeneralKernels(double[]? offset, double alpha = 1)
    {
        _offset = offset;
        _alpha = alpha;
    }

    private static ITensorEngine E => Engine.Current;

    public unsafe EngineTensor? Borrow(double* data, long rows, long cols) => GlmProblem.Kernels.Borrow(data, rows, cols);

    /// <summary>Xβ without the offset (the statistics add it on the host).</summary>
    public EngineTensor LinearPredictor(EngineTensor x, bool intercept, EngineTensor beta) =>
        GlmTensorKernels.Instance.LinearPredictor(x, intercept, beta);

    public (EngineTensor Score, EngineTensor Information, double Kernel) Information(EngineTensor x, bool intercept, EngineTensor y,
        EngineTensor? weights, Family family, Link link, bool observed, EngineTensor beta)
    {
        using var scope = new DisposeScope();
        var pass = Pass(new Tensor(E.Alias(x)), intercept, new Tensor(E.Alias(y)), weights is null ? null : new Tensor(E.Alias(weights)),
            family, link, observed, new Tensor(E.Alias(beta)));
        return (E.Alias(pass.Score.Handle), E.Alias(pass.Information.Handle), pass.Kernel);
    }

    public GlmNewtonOutcome Newton(EngineTensor x, bool intercept, EngineTensor y, EngineTensor? weights, Family family, Link link,
        double tolerance, int maxIterations, double ridge, EngineTensor beta, bool wantInformation)
    {
        using var scope = new DisposeScope();
        var xt = new Tensor(E.Alias(x));
        var yt = new Tensor(E.Alias(y));
        var wt = weights is null ? null : new Tensor(E.Alias(weights));
        // Fisher scoring: the expected information, as statsmodels' IRLS.
        return GlmTensorKernels.NewtonLoop(b => Pass(xt, intercept, yt, wt, family, link, false, b), new Tensor(E.Alias(beta)), family,
            tolerance, maxIterations, ridge, wantInformation);
    }

    // The one place where the per-iteration sums (score, information, log-likelihood) are accumulated.
    private GlmTensorKernels.PassResult Pass(Tensor x, bool intercept, Tensor y, Tensor? w, Family family, Link link, bool observed, Tensor beta)
    {
        if (family == Family.Multinomial)
            throw new ArgumentException("the multinomial family takes no offset", nameof(family));
        using var noGrad = Autograd.NoGrad();
        long n = x.Size(0), p = x.Size(1) + (intercept ? 1 : 0);
        if (beta.Rank != 1 || beta.Size(0) != p)
            throw new ArgumentException($"beta has shape {beta.ShapeString}; it must be [{p}] (the design's columns)", nameof(beta));
        var yHost = y.To(DType.Float64, Device.CPU).ToArray<double>();
        var wHost = w?.To(DType.Float64, Device.CPU).ToArray<double>();
        var g = Tensor.Zeros([p], DType.Float64, x.Device);
        var info = Tensor.Zeros([p, p], DType.Float64, x.Device);
        double ll = 0, maxResidual = 0;
        for (long start = 0; start < n; start += Chunk)
        {
            var len = Math.Min(Chunk, n - start);
            using var scope = new DisposeScope();
            var eta = GlmTensorKernels.Eta(x.Slice(0, start, start + len), intercept, beta).To(DType.Float64, Device.CPU).ToArray<double>();
            var s = new double[len];
            var h = new double[len];
            for (var i = 0; i < len; i++)
            {
                var row = start + i;
                var e = eta[i] + (_offset?[row] ?? 0);
                var t = LinkFunctions.Terms(family, link, yHost[row], e, wHost?[row] ?? 1, observed, _alpha);
                s[i] = t.S;
                h[i] = t.H;
                ll += t.L;
                maxResidual = Math.Max(maxResidual, Math.Abs(t.Residual));
            }
            var xc = GlmTensorKernels.DesignRows(x, intercept, start, len);
            var st = Tensor.FromArray(s, x.Device);
            var ht = Tensor.FromArray(h, x.Device);
            var xt = xc.T();
            g.AddInPlace(xt.MatMul(st));
            info.AddInPlace(xt.MatMul(xc * ht.Unsqueeze(1)));
        }
        return new GlmTensorKernels.PassResult(g, info, ll, maxResidual);
    }
}
