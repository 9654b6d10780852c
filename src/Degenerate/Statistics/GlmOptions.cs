using Degenerate.Tensors;

namespace Degenerate.Statistics;

/// <summary>Settings of <see cref="Glm.Fit(double[,], double[], Family, Link?, GlmOptions?, double[])"/>; the defaults follow statsmodels.</summary>
public sealed class GlmOptions
{
    /// <summary>The solver (default Newton).</summary>
    public Solver Solver { get; init; } = Solver.Newton;

    /// <summary>
    /// Whether a constant column ("const") is prepended to x, as <c>sm.add_constant</c> (default true). As there
    /// (has_constant='skip'), none is added when x already has a constant column: that column is the intercept. A
    /// constant column of x counts as the constant either way (statsmodels' k_constant: df_model, centered R², F).
    /// </summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Names of x's columns (default "x1", "x2", ...).</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>Names of the classes for the multinomial family (default "0", "1", ...); the first is the reference.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Newton stops when the largest coefficient step is at most this (statsmodels: 1e-8).</summary>
    public double Tolerance { get; init; } = 1e-8;

    /// <summary>Iteration limit of Newton and L-BFGS (default 100).</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Receives every warning (separation, non-convergence, ...) as it is found.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Where the design and the solver's work live (default: the CPU).</summary>
    public Device? Device { get; init; }

    /// <summary>
    /// Standard errors from the observed information even for non-canonical links (Gamma with log link). Default
    /// false: the expected information, as statsmodels' GLM (IRLS) prints. For canonical links both are the same.
    /// </summary>
    public bool ObservedInformation { get => _observedInformation; init => _observedInformation = value; }

    private bool _observedInformation;

    /// <summary>A copy with <see cref="ObservedInformation"/> on (statsmodels' discrete models use the Hessian).</summary>
    internal GlmOptions WithObservedInformation()
    {
        var copy = (GlmOptions)MemberwiseClone();
        copy._observedInformation = true;
        return copy;
    }

    /// <summary>
    /// t (true) or normal (false) reference distribution for the test statistics and intervals. Default (null): t
    /// with the residual degrees of freedom for the Gaussian family with identity link, as statsmodels' OLS; normal
    /// otherwise. Set false to reproduce statsmodels' <c>GLM(family=Gaussian())</c>, which uses z.
    /// </summary>
    public bool? UseTDistribution { get; init; }

    /// <summary>Epochs of Adam training (solver Adam only; default 200).</summary>
    public int Epochs { get; init; } = 200;

    /// <summary>Adam's learning rate (solver Adam only; default 0.05).</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Mini-batch size of Adam training (solver Adam only; default 32, as Keras).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// The covariance the fit reports (statsmodels' <c>fit(cov_type=...)</c>; default <see cref="Statistics.CovType.NonRobust"/>).
    /// Any other type returns what <see cref="GlmResult.GetRobustCovResults(Statistics.CovType, bool?)"/> would, and, as
    /// statsmodels' fit, switches to normal statistics unless <see cref="UseTDistribution"/> is set.
    /// <see cref="Statistics.CovType.Cluster"/> needs <see cref="Groups"/>.
    /// </summary>
    public CovType CovType { get; init; } = CovType.NonRobust;

    /// <summary>
    /// The cluster of every row, in x's order, for <see cref="CovType"/> = Cluster (statsmodels' <c>cov_kwds["groups"]</c>).
    /// Labels compare with Equals; an array of strings converts directly, numbers can be boxed (<c>ids.Cast&lt;object&gt;().ToArray()</c>).
    /// </summary>
    public IReadOnlyList<object>? Groups { get; init; }

    /// <summary>Cluster only: multiply by G/(G − 1)·(n − 1)/(n − k) (statsmodels' <c>use_correction</c>, default true).</summary>
    public bool ClusterUseCorrection { get; init; } = true;

    /// <summary>Cluster only: t statistics with G − 1 degrees of freedom (statsmodels' <c>df_correction</c>, default true).</summary>
    public bool ClusterDfCorrection { get; init; } = true;

    /// <summary>
    /// A known term added to every row's linear predictor, η = Xβ + offset (statsmodels' <c>offset</c>), in x's row
    /// order. Enters the log-likelihood, deviance, null model and the fitted means; predictions at new rows take their
    /// own offset (<see cref="GlmResult.GetPrediction(double[,], double, double[], double[])"/>). Not for the multinomial family.
    /// </summary>
    public IReadOnlyList<double>? Offset { get; init; }

    /// <summary>
    /// Exposure per row (statsmodels' <c>exposure</c>): log(exposure) is added to the linear predictor, so the mean is
    /// rate × exposure. Log link only; values must be &gt; 0. May be combined with <see cref="Offset"/>.
    /// </summary>
    public IReadOnlyList<double>? Exposure { get; init; }

    /// <summary>
    /// statsmodels' <c>freq_weights</c>: each row stands for this many identical observations (values &gt;= 0, need not
    /// be integers). They count in df_resid, the BIC's log(n) and every sum, exactly as repeating the rows would.
    /// </summary>
    public IReadOnlyList<double>? FreqWeights { get; init; }

    /// <summary>
    /// statsmodels' <c>var_weights</c> (prior weights): the variance of row i is scale·V(μ)/var_weight (values &gt; 0).
    /// For the non-Binomial families this is what Fit's <c>weights</c> argument means; give one or the other.
    /// </summary>
    public IReadOnlyList<double>? VarWeights { get; init; }

    /// <summary>
    /// Fit on the rows of every rank of this process group (native engine): each rank passes its own rows (x, y,
    /// weights, offset, exposure, frequency and variance weights, in the same kinds on every rank) and gets the same
    /// result, the fit of the union of the rows in rank order. Every rank must call Fit together, with the same
    /// options. Solver Newton only; robust covariances HC0–HC3 (not Cluster). See docs/distributed.md.
    /// </summary>
    public Distributed.ProcessGroup? ProcessGroup { get; init; }

    /// <summary>The negative binomial family's α in V(μ) = μ + αμ² (statsmodels' default 1; must be &gt; 0).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>
    /// The Tweedie family's variance power p in V(μ) = μᵖ (statsmodels' <c>var_power</c>, default 1; must be &gt;= 1:
    /// 1 is Poisson-like, 1 &lt; p &lt; 2 compound Poisson–gamma, 2 Gamma-like, p &gt; 2 positive stable).
    /// </summary>
    public double VarPower { get; init; } = 1.0;
}
