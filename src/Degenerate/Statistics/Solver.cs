namespace Degenerate.Statistics;

/// <summary>How <see cref="Glm.Fit(double[,], double[], Family, Link?, GlmOptions?, double[])"/> finds the maximum-likelihood coefficients.</summary>
public enum Solver
{
    /// <summary>Newton's method (Fisher scoring, i.e. IRLS, for non-canonical links) in native code: exact, a few passes.</summary>
    Newton,

    /// <summary>Limited-memory BFGS with a strong-Wolfe line search on the full batch.</summary>
    LBFGS,

    /// <summary>A one-layer network trained with Adam (mini-batches), then read back with <see cref="Glm.FromModel"/>: approximate.</summary>
    Adam,
}
