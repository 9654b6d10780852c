using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Statistics;

/// <summary>
/// Newton's start for a large design, near the full-data MLE for a fraction of one pass: Newton on every
/// <see cref="Stride"/>-th row converges to the sample's MLE, within about 1/√(n/16) of the full data's, from where full-data
/// Newton needs two or three passes instead of six or seven from zero. Only a start: the fit is still full-data Newton to
/// the caller's tolerance on the step, and its statistics use the full information at the final β, so the answer is the
/// same MLE. A sample that does not converge (separation in the sample, a singular sample) leaves β as it was.
/// </summary>
internal static class GlmWarmStart
{
    /// <summary>Every this many rows make the sample.</summary>
    public const long Stride = 16;

    /// <summary>Designs with fewer rows start as before (a full pass is cheap, and small samples separate easily).</summary>
    public const long MinRows = 1 << 15;

    // The sample's MLE is only ~1/√m from the full one: converging the sample further than this buys nothing.
    private const double SampleTolerance = 1e-4;

    // Newton on a well-posed sample takes well under this; a separating sample would otherwise run to MaxIterations.
    private const int SampleIterations = 20;

    private static readonly AsyncLocal<bool> Off = new();

    /// <summary>Tests: fit without the warm start on this logical flow.</summary>
    internal static bool Disabled
    {
        get => Off.Value;
        set => Off.Value = value;
    }

    /// <summary>Whether the problem takes a warm start (fused kernels: no offset, whose rows the general kernels index).</summary>
    public static bool Applies(GlmProblem problem, IGlmKernels kernels) =>
        !Disabled && problem.Rows >= MinRows && kernels is not GlmGeneralKernels;

    /// <summary>Moves β to the sample's MLE when the sample's Newton converges; returns whether it did.</summary>
    public static bool Run(GlmProblem problem, IGlmKernels kernels, Tensor beta, double tolerance, int maxIterations, double ridge)
    {
        using var scope = new DisposeScope();
        var n = problem.Rows;
        var x = Sample(problem.X, n);
        var y = Sample(problem.Y, n);
        var w = problem.W is null ? null : Sample(problem.W, n);
        var start = beta.Clone();
        var o = kernels.Newton(x.Handle, problem.Intercept, y.Handle, w?.Handle, problem.Family, problem.Link,
            Math.Max(tolerance, SampleTolerance), Math.Min(maxIterations, SampleIterations), ridge, beta.Handle, wantInformation: false);
        if (o.Converged && !o.PerfectPrediction && o.Fallbacks == 0) return true;
        beta.CopyFrom(start);
        return false;
    }

    // Rows 0, Stride, 2·Stride, ... as a contiguous tensor (the kernels' fast paths read contiguous rows).
    private static Tensor Sample(Tensor t, long n)
    {
        var rows = t.Slice(0, 0, n, Stride);
        var copy = Tensor.Zeros(rows.Shape, t.DType, t.Device);
        copy.CopyFrom(rows);
        return copy;
    }
}
