using Degenerate.Tensors;

namespace Degenerate.Statistics;

public static partial class Glm
{
    /// <summary>
    /// A full-rank but ill-conditioned design (issue 11): the solver runs on the orthonormal Q of X = Q·R, where Newton
    /// and IRLS steps are least-squares solves at Q's condition number (1) rather than the normal equations at X's
    /// squared, and the result is mapped back to X's coefficients (β = R⁻¹γ, cov = R⁻¹·cov·R⁻ᵀ). statsmodels fits such a
    /// design with pinv(wX) (OLS/WLS) or a least-squares solve per IRLS iteration (GLM); the answers agree to about
    /// cond(X)·eps.
    /// </summary>
    private static GlmResult FitFactorized(GlmProblem problem, DesignFactorization design, double[,] x, double[] y, double[]? weights,
        GlmOptions options)
    {
        using var orthogonal = OrthogonalProblem(problem, design);
        options.Logger?.LogWarning("GLM ({Family}, {Link}): {Warning}", problem.Family, problem.Link, design.Warning);
        return options.Solver switch
        {
            Solver.Newton => FitNewton(orthogonal, options).ForFactorizedDesign(design, x, problem.Intercept, options),
            Solver.LBFGS => FitLbfgs(orthogonal, options).ForFactorizedDesign(design, x, problem.Intercept, options),
            Solver.Adam => FitAdam(x, y, weights, problem, options, (orthogonal, design, x)),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Solver, "unknown solver"),
        };
    }

    /// <summary>The problem with Q (n × p, no implicit ones column) as its design; everything else as <paramref name="problem"/>.</summary>
    private static GlmProblem OrthogonalProblem(GlmProblem problem, DesignFactorization design)
    {
        var device = problem.X.Device;
        var (data, pin) = GlmInput.View(design.Q, device);
        Tensor? y = null, w = null;
        try
        {
            y = Tensor.FromArray(problem.YHost, device);
            DisposeScope.Current?.Detach(y);
            if (problem.WHost is { } wh)
            {
                w = Tensor.FromArray(wh, device);
                DisposeScope.Current?.Detach(w);
            }
            return new GlmProblem
            {
                X = data, Pin = pin, Y = y, W = w, YHost = problem.YHost, WHost = problem.WHost, Family = problem.Family, Link = problem.Link,
                Intercept = false, ConstantColumn = problem.ConstantColumn, ColumnNames = problem.ColumnNames, Classes = problem.Classes,
                ClassNames = problem.ClassNames, Offset = problem.Offset, FreqWeights = problem.FreqWeights, VarWeights = problem.VarWeights,
                Trials = problem.Trials, Alpha = problem.Alpha, GlmNull = problem.GlmNull,
            };
        }
        catch
        {
            data.Dispose();
            y?.Dispose();
            w?.Dispose();
            if (pin.IsAllocated) pin.Free();
            throw;
        }
    }
}
