using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.Distributions;

namespace Degenerate.Statistics;

/// <summary>
/// A fitted generalized linear model with statsmodels' statistics under statsmodels' names (in C# casing):
/// coefficients, standard errors, tests, intervals, likelihoods, information criteria and goodness of fit.
/// Definitions and the statsmodels forms they match: docs/glm.md.
/// </summary>
public sealed partial class GlmResult
{
    internal GlmResult() { }

    /// <summary>The response distribution.</summary>
    public Family Family { get; internal init; }

    /// <summary>The link.</summary>
    public Link Link { get; internal init; }

    /// <summary>
    /// The statsmodels model this result reads as, which picks the summary's header: "OLS" (or "WLS" with weights) for
    /// the Gaussian family with identity link, "MNLogit" for the multinomial family, "GLM" for the other families, and
    /// "Logit", "Probit" or "Poisson" for the fits of <see cref="DiscreteModel"/>, "NegativeBinomial" for
    /// <see cref="NegativeBinomialRegression"/>'s. See docs/glm.md.
    /// </summary>
    public string ModelName => _modelName ?? (Family, Link) switch
    {
        _ when AlphaEstimated => "NegativeBinomial",
        (Family.Multinomial, _) => "MNLogit",
        (Family.Gaussian, Link.Identity) => Data?.W is null ? "OLS" : "WLS",
        _ => "GLM",
    };

    // Set by DiscreteModel (and a result read back from JSON); copies (robust covariances, rescaling) keep it.
    internal string? _modelName;

    /// <summary>The solver that produced <see cref="Params"/> ("Newton", "LBFGS", "Adam" or "model" for <see cref="Glm.FromModel"/>).</summary>
    public string Method { get; internal init; } = "";

    /// <summary>Names of the coefficients: "const", "x1", ... or the feature names; multinomial "class:feature".</summary>
    public IReadOnlyList<string> ParamNames { get; internal init; } = [];

    /// <summary>Coefficients (multinomial: class 1's block, then class 2's, ..., each relative to class 0).</summary>
    public IReadOnlyList<double> Params { get; internal set; } = [];

    /// <summary>Standard errors: √diag(<see cref="CovParams"/>).</summary>
    public IReadOnlyList<double> Bse { get; internal set; } = [];

    /// <summary>Params / Bse: t statistics when <see cref="UsesTDistribution"/>, else z.</summary>
    public IReadOnlyList<double> TValues { get; internal set; } = [];

    /// <summary>Two-sided p-values of <see cref="TValues"/>.</summary>
    public IReadOnlyList<double> PValues { get; internal set; } = [];

    /// <summary>The parameter covariance matrix: scale · information⁻¹, or the sandwich of <see cref="CovType"/>.</summary>
    public double[,] CovParams { get; internal set; } = new double[0, 0];

    /// <summary>Whether tests and intervals use Student's t with <see cref="DfResidInference"/> degrees of freedom (else the normal).</summary>
    public bool UsesTDistribution { get; internal set; }

    /// <summary>Log-likelihood at the estimates (statsmodels' llf; Gaussian with the MLE variance SSR/n).</summary>
    public double Llf { get; internal init; }

    /// <summary>Log-likelihood of the intercept-only model.</summary>
    public double LlNull { get; internal init; }

    /// <summary>−2·llf + 2·k, k the number of coefficients.</summary>
    public double Aic { get; internal init; }

    /// <summary>−2·llf + k·log(nobs) (statsmodels' bic_llf; OLS, Logit and MNLogit's bic).</summary>
    public double Bic => BicLlf;

    /// <summary>−2·llf + k·log(nobs).</summary>
    public double BicLlf { get; internal init; }

    /// <summary>deviance − df_resid·log(nobs) (statsmodels 0.13's GLMResults.bic).</summary>
    public double BicDeviance { get; internal init; }

    /// <summary>Deviance (Gaussian: the residual sum of squares; multinomial: −2·llf).</summary>
    public double Deviance { get; internal init; }

    /// <summary>Pearson's χ²: Σ w·(y − μ)²/V(μ).</summary>
    public double PearsonChi2 { get; internal init; }

    /// <summary>Likelihood-ratio statistic against the intercept-only model: 2·(llf − llnull).</summary>
    public double Llr => 2 * (Llf - LlNull);

    /// <summary>P(χ²(df_model) ≥ llr): the likelihood-ratio test that every slope is zero (statsmodels' llr_pvalue).</summary>
    public double LlrPValue { get; internal init; }

    /// <summary>
    /// OLS F statistic that every slope is zero, (R²/df_model)/((1 − R²)/df_resid); with a robust covariance the
    /// Wald F of the same restrictions (as statsmodels' fvalue); NaN except for Gaussian/identity.
    /// </summary>
    public double FValue { get; internal set; } = double.NaN;

    /// <summary>P(F(df_model, df_resid) ≥ <see cref="FValue"/>) (statsmodels' f_pvalue); NaN except for Gaussian/identity.</summary>
    public double FPValue { get; internal set; } = double.NaN;

    /// <summary>McFadden's pseudo R²: 1 − llf/llnull.</summary>
    public double PseudoRSquared { get; internal init; }

    /// <summary>R² of least squares (Gaussian, identity link; centered with an intercept); NaN otherwise.</summary>
    public double RSquared { get; internal init; }

    /// <summary>Number of observations (rows).</summary>
    public double Nobs { get; internal init; }

    /// <summary>
    /// Coefficients minus the intercept(s), as statsmodels counts them: without an intercept OLS counts every
    /// coefficient, while GLM and the discrete models still subtract one per equation.
    /// </summary>
    public double DfModel { get; internal init; }

    /// <summary>nobs − number of coefficients.</summary>
    public double DfResid { get; internal init; }

    /// <summary>Dispersion: Pearson χ²/df_resid for Gaussian and Gamma, 1 otherwise.</summary>
    public double Scale { get; internal init; }

    /// <summary>Solver iterations (Newton/L-BFGS steps, Adam epochs; for a model, its optimizer's updates).</summary>
    public int Iterations { get; internal init; }

    /// <summary>Whether the solver met its convergence criterion (for a model: whether its weights are at the maximum).</summary>
    public bool Converged { get; internal init; }

    /// <summary>Diagnoses found while fitting (separation, non-convergence, ...), also sent to the logger.</summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = [];

    /// <summary>Confidence intervals for the coefficients at level 1 − <paramref name="alpha"/>.</summary>
    public (double[] Lower, double[] Upper) ConfInt(double alpha = 0.05)
    {
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1)");
        var q = Quantile(1 - alpha / 2);
        var lower = new double[Params.Count];
        var upper = new double[Params.Count];
        for (var i = 0; i < Params.Count; i++)
        {
            lower[i] = Params[i] - q * Bse[i];
            upper[i] = Params[i] + q * Bse[i];
        }
        return (lower, upper);
    }

    internal double Quantile(double p) => UsesTDistribution ? StudentT.InvCDF(0, 1, DfResidInference, p) : Normal.InvCDF(0, 1, p);

    /// <summary>Every statistic as JSON keyed by statsmodels' names; non-finite numbers are written as null.</summary>
    public string ToJson(bool indented = true)
    {
        static JsonNode? N(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        static JsonArray A(IEnumerable<double> v) => new(v.Select(N).ToArray());
        var (lo, hi) = ConfInt();
        var o = new JsonObject
        {
            ["model"] = ModelName,
            ["family"] = Family.ToString().ToLowerInvariant(),
            ["link"] = Link.ToString().ToLowerInvariant(),
            ["method"] = Method,
            ["intercept"] = Data?.Intercept ?? _restoredLayout?.Intercept,
            ["param_names"] = new JsonArray(ParamNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["params"] = A(Params),
            ["bse"] = A(Bse),
            ["tvalues"] = A(TValues),
            ["pvalues"] = A(PValues),
            ["conf_int"] = new JsonArray(lo.Select((l, i) => (JsonNode?)A([l, hi[i]])).ToArray()),
            ["cov_params"] = new JsonArray(Enumerable.Range(0, CovParams.GetLength(0))
                .Select(i => (JsonNode?)A(Enumerable.Range(0, CovParams.GetLength(1)).Select(j => CovParams[i, j]))).ToArray()),
            ["cov_type"] = CovTypeName,
            ["use_t"] = UsesTDistribution,
            ["alpha"] = N(Alpha),
            ["var_power"] = N(VarPower),
            ["df_resid_inference"] = N(DfResidInference),
            ["llf"] = N(Llf),
            ["llnull"] = N(LlNull),
            ["aic"] = N(Aic),
            ["bic"] = N(Bic),
            ["bic_llf"] = N(BicLlf),
            ["bic_deviance"] = N(BicDeviance),
            ["deviance"] = N(Deviance),
            ["pearson_chi2"] = N(PearsonChi2),
            ["prsquared"] = N(PseudoRSquared),
            ["llr"] = N(Llr),
            ["llr_pvalue"] = N(LlrPValue),
            ["fvalue"] = N(FValue),
            ["f_pvalue"] = N(FPValue),
            ["rsquared"] = N(RSquared),
            ["rsquared_adj"] = N(RSquaredAdj),
            // The OLS summary's residual block, under the keys of statsmodels' summary diagn dict (null outside least squares).
            ["omni"] = N(Omnibus),
            ["omnipv"] = N(OmnibusPValue),
            ["skew"] = N(ResidSkew),
            ["kurtosis"] = N(ResidKurtosis),
            ["durbin_watson"] = N(DurbinWatson),
            ["jb"] = N(JarqueBera),
            ["jbpv"] = N(JarqueBeraPValue),
            ["condition_number"] = N(ConditionNumber),
            ["n_groups"] = CovType == CovType.Cluster ? NGroups : null,
            ["nobs"] = N(Nobs),
            ["df_model"] = N(DfModel),
            ["df_resid"] = N(DfResid),
            ["scale"] = N(Scale),
            ["iterations"] = Iterations,
            ["converged"] = Converged,
            ["warnings"] = new JsonArray(Warnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
        };
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
    }

    /// <inheritdoc/>
    public override string ToString() => Summary();
}
