using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Statistics;

internal sealed partial class GlmTensorKernels
{
    public GlmNewtonOutcome Newton(EngineTensor x, bool intercept, EngineTensor y, EngineTensor? weights, Family family, Link link,
        double tolerance, int maxIterations, double ridge, EngineTensor beta, bool wantInformation)
    {
        using var scope = new DisposeScope();
        var xt = View(x);
        var yt = View(y);
        var wt = weights is null ? null : View(weights);
        return NewtonLoop(b => Pass(xt, intercept, yt, wt, family, link, false, b, kernel: false), View(beta), family, tolerance, maxIterations, ridge,
            wantInformation);
    }

    /// <summary>
    /// Newton iterations from β, updating β in place (it shares the caller's storage), each on the pass at the current β:
    /// the loop of every portable GLM kernel (fused families here, the general ones in <see cref="GlmGeneralKernels"/>).
    /// </summary>
    internal static GlmNewtonOutcome NewtonLoop(Func<Tensor, PassResult> pass, Tensor b, Family family, double tolerance, int maxIterations,
        double ridge, bool wantInformation)
    {
        using var noGrad = Autograd.NoGrad();
        int iterations = 0, fallbacks = 0;
        bool converged = false, perfect = false;
        var maxStep = double.NaN;
        Tensor? lastInformation = null;
        var classifies = family is Family.Binomial or Family.Multinomial;
        for (var it = 1; it <= maxIterations; it++)
        {
            // Fisher scoring (expected information) is Newton for canonical links and IRLS for the others.
            var r = pass(b);
            if (classifies && r.MaxResidual < 1e-10)
            {
                // Every observation fitted exactly: the MLE is at infinity (statsmodels' perfect-prediction check).
                perfect = true;
                break;
            }
            // The expected information of the last pass, before its step: the caller's statistics can skip a pass.
            if (wantInformation) lastInformation = r.Information;
            var info = ridge > 0 ? r.Information + Tensor.Eye(r.Information.Size(0), DType.Float64, r.Information.Device) * ridge
                : r.Information;
            var step = Step(info, r.Score, out var fallback);
            if (fallback) fallbacks++;
            var largest = step.Abs().Max().Item();
            maxStep = largest;
            iterations = it;
            if (!double.IsFinite(largest)) break;
            b.AddInPlace(step.Reshape(b.Shape));
            if (largest <= tolerance)
            {
                converged = true;
                break;
            }
        }
        return new GlmNewtonOutcome(iterations, converged, perfect, fallbacks, maxStep,
            lastInformation is null ? null : Give(lastInformation));
    }

    /// <summary>
    /// Solves information · step = score: Cholesky, else (not positive definite) the pseudo-inverse's least-squares
    /// step, which copes with a singular system by returning the minimum-norm step.
    /// </summary>
    internal static Tensor Step(Tensor information, Tensor score, out bool fallback)
    {
        var factor = information.Cholesky();
        if (factor is not null)
        {
            fallback = false;
            return factor.CholeskySolve(score.Unsqueeze(1)).Squeeze(1);
        }
        fallback = true;
        return information.PseudoInverse().MatMul(score);
    }
}
