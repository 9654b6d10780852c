using Degenerate.Tensors;

namespace Degenerate.Statistics;

internal static partial class DistributedGlm
{
    internal readonly record struct Outcome(int Iterations, bool Converged, bool Perfect, int Fallbacks, double MaxStep, Tensor? Information);

    /// <summary>
    /// Score, information and log-likelihood kernel over every rank's rows: this rank's pass (zeros without rows), then
    /// one all-reduce of the packed [information | score | kernel].
    /// </summary>
    internal static (Tensor Score, Tensor Information, double Kernel) Information(GlmProblem problem, Tensor beta, bool observed,
        IGlmKernelsChoice kernels = IGlmKernelsChoice.Problem, Tensor? response = null)
    {
        var k = problem.ParamCount;
        var packed = new double[k * k + k + 1];
        if (problem.YHost.Length > 0)
        {
            using var scope = new DisposeScope();
            var engine = kernels == IGlmKernelsChoice.Problem ? problem.ProblemKernels : GlmProblem.Kernels;
            var (family, link) = kernels == IGlmKernelsChoice.Problem ? (problem.Family, problem.Link) : (Family.Gaussian, Link.Identity);
            var (s, i, ll) = engine.Information(problem.X.Handle, problem.Intercept, (response ?? problem.Y).Handle,
                problem.W?.Handle, family, link, observed, beta.Handle);
            using var score = new Tensor(s);
            using var info = new Tensor(i);
            info.To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>().CopyTo(packed, 0);
            score.To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>().CopyTo(packed, k * k);
            packed[^1] = ll;
        }
        var total = problem.Shards!.Sum(packed);
        var device = problem.X.Device;
        return (Tensor.FromArray(total[(k * k)..(k * k + k)], [k], device), Tensor.FromArray(total[..(k * k)], [k, k], device), total[^1]);
    }

    internal enum IGlmKernelsChoice { Problem, Gaussian }

    /// <summary>
    /// As Glm.StartingValues: zeros for Gaussian/identity, Binomial/logit and the multinomial family; else the
    /// (weighted) least-squares fit of g(μ₀) − offset, with ȳ the union's mean, from the reduced XᵀWX and XᵀWz.
    /// </summary>
    private static Tensor StartingValues(GlmProblem problem)
    {
        var beta = Tensor.Zeros(problem.BetaShape, DType.Float64, problem.X.Device);
        if (problem.Family == Family.Multinomial || (problem.Family, problem.Link) is (Family.Gaussian, Link.Identity) or (Family.Binomial, Link.Logit))
            return beta;
        var y = problem.YHost;
        var totals = problem.Shards!.Sum(y.Sum(), y.Length);
        var mean = totals[0] / totals[1];
        var z = new double[y.Length];
        for (var i = 0; i < y.Length; i++)
        {
            var mu0 = problem.Family == Family.Binomial ? (y[i] + 0.5) / 2 : (y[i] + mean) / 2;
            z[i] = LinkFunctions.Value(problem.Link, mu0) - (problem.Offset?[i] ?? 0);
        }
        using var scope = new DisposeScope();
        var zt = Tensor.FromArray(z, problem.X.Device);
        var (score, info, _) = Information(problem, beta, false, IGlmKernelsChoice.Gaussian, zt);
        // One Gaussian Newton step from zero (no ridge) is the weighted least-squares solution.
        var step = GlmTensorKernels.Step(info, score, out _);
        beta.AddInPlace(step.Reshape(beta.Shape));
        return beta;
    }

    /// <summary>The single-process Newton loop (glm.cpp's dg_glm_newton) over reduced passes.</summary>
    private static Outcome Newton(GlmProblem problem, Tensor beta, double tolerance, int maxIterations, double totalWeight)
    {
        int iterations = 0, fallbacks = 0;
        bool converged = false, perfect = false;
        var maxStep = double.NaN;
        Tensor? last = null;
        var classifies = problem.Family is Family.Binomial or Family.Multinomial;
        // Every residual below 1e-10 needs a log-likelihood kernel near 0 when every y is 0/1 (or a class): the
        // residual pass then runs only near perfect prediction. Proportions always get it.
        var binary = classifies && problem.Shards!.Max(problem.YHost.Any(v => v != 0 && v != 1) && problem.Family == Family.Binomial ? 1 : 0)[0] == 0;
        using var noGrad = Autograd.NoGrad();
        for (var it = 1; it <= maxIterations; it++)
        {
            using var scope = new DisposeScope();
            var (score, information, kernel) = Information(problem, beta, false);
            if (classifies && (!binary || Math.Abs(kernel) <= 1e-6 * totalWeight) && MaxResidual(problem, beta) < 1e-10)
            {
                perfect = true;
                break;
            }
            last?.Dispose();
            last = information.Clone();
            scope.Detach(last);
            var info = information + Tensor.Eye(information.Size(0), DType.Float64, information.Device) * Glm.Ridge;
            var step = GlmTensorKernels.Step(info, score, out var fallback);
            if (fallback) fallbacks++;
            var largest = step.Abs().Max().Item();
            maxStep = largest;
            iterations = it;
            if (!double.IsFinite(largest)) break;
            beta.AddInPlace(step.Reshape(beta.Shape));
            if (largest <= tolerance)
            {
                converged = true;
                break;
            }
        }
        return new Outcome(iterations, converged, perfect, fallbacks, maxStep, last);
    }

    /// <summary>max |y − μ| over every rank's rows (multinomial: over the one-hot classes).</summary>
    private static double MaxResidual(GlmProblem problem, Tensor beta)
    {
        double local = 0;
        var y = problem.YHost;
        if (y.Length > 0)
        {
            double[] eta;
            using (var scope = new DisposeScope()) eta = problem.LinearPredictor(beta).To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>();
            if (problem.Family == Family.Multinomial)
            {
                var m = problem.Equations;
                for (var i = 0; i < y.Length; i++)
                {
                    var max = 0.0;
                    for (var j = 0; j < m; j++) max = Math.Max(max, eta[i * m + j]);
                    var sum = Math.Exp(-max);
                    for (var j = 0; j < m; j++) sum += Math.Exp(eta[i * m + j] - max);
                    for (var j = 0; j <= m; j++)
                    {
                        var pj = Math.Exp((j == 0 ? 0 : eta[i * m + j - 1]) - max) / sum;
                        local = Math.Max(local, Math.Abs((j == (int)y[i] ? 1 : 0) - pj));
                    }
                }
            }
            else
            {
                for (var i = 0; i < y.Length; i++)
                    local = Math.Max(local, Math.Abs(y[i] - LinkFunctions.Mean(problem.Link, eta[i] + (problem.Offset?[i] ?? 0))));
            }
        }
        return problem.Shards!.Max(local)[0];
    }
}
