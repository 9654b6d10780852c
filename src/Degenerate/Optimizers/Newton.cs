using Degenerate.Tensors;

namespace Degenerate.Optimizers;

/// <summary>
/// Newton's method on the full batch, with statsmodels' settings: the step solves (H + ridge·I) Δ = −g with the
/// Hessian H from autograd (one backward pass per row: for small models such as one Dense layer), by Cholesky with a
/// pseudo-inverse fallback; converged when max |Δ| ≤ <see cref="FullBatchOptimizer.Tolerance"/> (1e-8). The step is
/// halved while it would increase the loss (random initial weights can start Newton far from the optimum); from a
/// zero start on a GLM the full steps are taken and this is statsmodels' Logit/MNLogit Newton fit. <see cref="Statistics.Glm.Fit(double[,], double[], Statistics.Family, Statistics.Link?, Statistics.GlmOptions?, double[])"/>
/// uses a native closed-form version of the same iteration.
/// </summary>
public sealed class Newton : FullBatchOptimizer
{
    /// <summary>Creates the solver.</summary>
    public Newton(double tolerance = 1e-8, double ridge = 1e-10) : base(tolerance)
    {
        if (!(ridge >= 0) || double.IsInfinity(ridge)) throw new ArgumentOutOfRangeException(nameof(ridge), ridge, "ridge must be a finite value >= 0");
        Ridge = ridge;
    }

    /// <summary>Added to the Hessian's diagonal (statsmodels' ridge_factor).</summary>
    public double Ridge { get; }

    /// <summary>The largest |step| of the last iteration.</summary>
    public double LastStep { get; private set; } = double.NaN;

    /// <inheritdoc/>
    public override string Name => "newton";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["tolerance"] = Tolerance, ["ridge"] = Ridge,
    };

    /// <inheritdoc/>
    protected override bool IterateCore(Func<Tensor> loss)
    {
        using var scope = new DisposeScope();
        var value = loss();
        var (gradient, hessian) = Autograd.Hessian(value, Parameters);
        using var ridge = Tensor.Eye(hessian.Size(0), DType.Float64, hessian.Device) * Ridge;
        var h = hessian + ridge;
        var chol = h.Cholesky();
        var g = gradient.Unsqueeze(1);
        var step = (chol is not null ? chol.CholeskySolve(g) : h.PseudoInverse().MatMul(g)).Reshape(-1);
        var full = step.AbsMax().Item();
        if (!double.IsFinite(full))
            throw new InvalidOperationException($"Newton produced a non-finite step (max |step| = {full}); the loss or its Hessian is not finite");
        // Step halving: from a start far from the optimum (a random initialization that saturates a sigmoid) the
        // pure Newton step can overshoot and diverge; near the optimum the full step is always taken.
        var before = value.Item();
        var alpha = 1.0;
        AddToParameters(step, -alpha);
        var after = double.NaN;
        for (var halvings = 0; halvings <= 30; halvings++)
        {
            using (Autograd.NoGrad())
            using (var inner = new DisposeScope()) after = loss().Item();
            if (after <= before + 1e-12 * Math.Abs(before)) break;
            if (halvings == 30) break;
            AddToParameters(step, alpha / 2);  // back to the half step
            alpha /= 2;
        }
        if (!(after <= before + 1e-12 * Math.Abs(before)))
        {
            // Even a 2^-30 step raises the loss (rounding dominates, or the Hessian is far from the loss's curvature,
            // e.g. features scaled by 1e12): undo the step rather than make the fit worse, and say so.
            AddToParameters(step, alpha);
            LastStep = 0;
            Stalled = $"{Name}: the loss rose from {before:R} to {after:R} even after 30 step halvings; the step was undone " +
                "and training stopped (features on very different scales make the Hessian ill-conditioned: standardize them)";
            return false;
        }
        LastStep = alpha * full;
        return full <= Tolerance;
    }
}
