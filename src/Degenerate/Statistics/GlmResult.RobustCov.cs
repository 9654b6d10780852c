using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    private double? _dfResidInference;

    /// <summary>How <see cref="CovParams"/> was estimated (default <see cref="Statistics.CovType.NonRobust"/>).</summary>
    public CovType CovType { get; private set; } = CovType.NonRobust;

    /// <summary>
    /// Degrees of freedom of the t distribution for tests and intervals (statsmodels' <c>df_resid_inference</c>):
    /// <see cref="DfResid"/>, or groups − 1 for a cluster-robust covariance with the degrees-of-freedom correction.
    /// </summary>
    public double DfResidInference => _dfResidInference ?? DfResid;

    /// <summary>Number of clusters of a cluster-robust covariance (statsmodels' <c>n_groups</c>); 0 otherwise.</summary>
    public int NGroups { get; private set; }

    /// <summary>The data kept for the statistics computed after the fit; null for the multinomial family.</summary>
    internal GlmData? Data { get; set; }

    private string CovTypeName => CovType switch
    {
        CovType.NonRobust => "nonrobust",
        CovType.Cluster => "cluster",
        _ => CovType.ToString(),
    };

    /// <summary>
    /// This fit with a heteroscedasticity-robust covariance (statsmodels' <c>get_robustcov_results</c>, or
    /// <c>GLM.fit(cov_type=...)</c>): <see cref="CovParams"/>, <see cref="Bse"/>, <see cref="TValues"/>,
    /// <see cref="PValues"/>, <see cref="ConfInt"/> and the tests use the sandwich; the coefficients and likelihoods
    /// are unchanged. Every type equals statsmodels 0.13.5's output for the same model: for Gaussian/identity (reported
    /// as OLS) HC1–HC3 are OLS's corrected sandwiches; for every other family HC1, HC2 and HC3 are the HC0 sandwich,
    /// because statsmodels' GLM and discrete results (Logit, Poisson) have no cov_HC1..cov_HC3 and return the
    /// uncorrected one under the requested name. <see cref="CovType"/> keeps the name asked for (docs/glm.md).
    /// </summary>
    /// <param name="covType">HC0, HC1, HC2, HC3 or NonRobust; for Cluster use the overload with groups.</param>
    /// <param name="useT">t (true) or normal (false) statistics; null keeps <see cref="UsesTDistribution"/>
    /// (statsmodels' <c>OLS.fit(cov_type=...)</c> switches to the normal unless <c>use_t=True</c>: pass false to match it).</param>
    /// <exception cref="ArgumentException">Cluster without groups, or an unknown covariance type.</exception>
    /// <exception cref="NotSupportedException">The multinomial family (statsmodels' MNLogit robust covariances are not implemented here).</exception>
    public GlmResult GetRobustCovResults(CovType covType, bool? useT = null)
    {
        if (covType == CovType.Cluster)
            throw new ArgumentException("CovType.Cluster needs the group of every observation: call GetRobustCovResults(CovType.Cluster, groups)", nameof(covType));
        if (!Enum.IsDefined(covType)) throw new ArgumentException($"unknown covariance type {covType}", nameof(covType));
        return WithCovariance(covType, null, 0, useCorrection: true, dfCorrection: false, useT);
    }

    /// <summary>
    /// This fit with a one-way cluster-robust covariance (statsmodels' <c>cov_type="cluster"</c> with
    /// <c>cov_kwds={"groups": groups}</c>): scores are summed within each group. With <paramref name="useCorrection"/>
    /// the covariance is multiplied by G/(G − 1) · (n − 1)/(n − k); with <paramref name="dfCorrection"/> t statistics
    /// use G − 1 degrees of freedom (<see cref="DfResidInference"/>).
    /// </summary>
    /// <param name="covType">Must be <see cref="Statistics.CovType.Cluster"/>.</param>
    /// <param name="groups">The cluster of each observation, in the fit's row order; any labels that compare equal.</param>
    /// <param name="useT">As in <see cref="GetRobustCovResults(CovType, bool?)"/>.</param>
    /// <param name="useCorrection">statsmodels' <c>use_correction</c> (default true).</param>
    /// <param name="dfCorrection">statsmodels' <c>df_correction</c> (default true).</param>
    /// <exception cref="ArgumentException">Not Cluster, groups of the wrong length, a null label, or fewer than 2 groups.</exception>
    /// <exception cref="NotSupportedException">The multinomial family.</exception>
    public GlmResult GetRobustCovResults<TGroup>(CovType covType, IReadOnlyList<TGroup> groups, bool? useT = null,
        bool useCorrection = true, bool dfCorrection = true) where TGroup : notnull
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (covType != CovType.Cluster)
            throw new ArgumentException($"groups are used only by CovType.Cluster, not {covType} (statsmodels: HC types take no keywords)", nameof(covType));
        if (groups.Count != Nobs)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"groups has {groups.Count} labels but the fit has {Nobs} observations; give one per row"), nameof(groups));
        var index = new int[groups.Count];
        var ids = new Dictionary<TGroup, int>();
        for (var i = 0; i < groups.Count; i++)
        {
            var g = groups[i] ?? throw new ArgumentException($"groups[{i}] is null; every observation needs a cluster", nameof(groups));
            if (!ids.TryGetValue(g, out var id)) ids[g] = id = ids.Count;
            index[i] = id;
        }
        if (ids.Count < 2)
            throw new ArgumentException($"groups has {ids.Count} distinct label(s); a cluster-robust covariance needs at least 2", nameof(groups));
        return WithCovariance(CovType.Cluster, index, ids.Count, useCorrection, dfCorrection, useT);
    }

    /// <summary>Checks <see cref="GlmOptions.CovType"/> and <see cref="GlmOptions.Groups"/> against the data before the fit's statistics.</summary>
    internal static void CheckCovOptions(GlmOptions options, long rows, Family family)
    {
        if (!Enum.IsDefined(options.CovType))
            throw new ArgumentException($"unknown covariance type {options.CovType}", nameof(options));
        if (options.CovType == CovType.Cluster)
        {
            if (options.Groups is not { } g)
                throw new ArgumentException("GlmOptions.CovType = Cluster needs GlmOptions.Groups, the cluster of every row", nameof(options));
            if (g.Count != rows)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"GlmOptions.Groups has {g.Count} labels but x has {rows} rows; give one per row"), nameof(options));
        }
        else if (options.Groups is not null)
            throw new ArgumentException($"GlmOptions.Groups is used only with CovType = Cluster, not {options.CovType}", nameof(options));
        if (options.CovType != CovType.NonRobust && family == Family.Multinomial)
            throw new NotSupportedException($"GlmOptions.CovType = {options.CovType}: robust covariances are not available for the Multinomial family");
    }

    /// <summary>The covariance asked for in the options, as statsmodels' <c>fit(cov_type=..., use_t=...)</c>.</summary>
    internal GlmResult WithOptionsCovariance(GlmOptions options)
    {
        if (options.CovType == CovType.NonRobust) return this;
        // statsmodels' fit with a robust cov_type uses normal statistics unless use_t is given (OLS included).
        var useT = options.UseTDistribution ?? false;
        return options.CovType == CovType.Cluster
            ? GetRobustCovResults(CovType.Cluster, options.Groups!, useT, options.ClusterUseCorrection, options.ClusterDfCorrection)
            : GetRobustCovResults(options.CovType, useT);
    }

    private GlmResult WithCovariance(CovType covType, int[]? groupIndex, int groupCount, bool useCorrection, bool dfCorrection, bool? useT)
    {
        var copy = (GlmResult)MemberwiseClone();
        copy.UsesTDistribution = useT ?? UsesTDistribution;
        copy.CovType = covType;
        copy.NGroups = groupCount;
        copy._dfResidInference = covType == CovType.Cluster && dfCorrection ? groupCount - 1 : null;
        if (covType == CovType.NonRobust)
        {
            // Back to the model-based covariance of the original fit.
            if (CovType != CovType.NonRobust && _nonRobust is { } original) copy.SetCovariance(original);
            else copy.SetCovariance(CovParams);
            if (_nonRobustF is { } f) (copy.FValue, copy.FPValue) = f;
            copy._gammaCov = _factorized?.NonRobust;
            return copy;
        }
        var data = Data ?? throw new NotSupportedException(
            $"robust covariances are not available for the {Family} family (only Gaussian, Binomial, Poisson and Gamma)");
        copy._nonRobust = _nonRobust ?? CovParams;
        copy._nonRobustF ??= (FValue, FPValue);
        // A fit on an ill-conditioned design's Q: the sandwich for γ, mapped to β (GlmResult.Factorized.cs).
        copy._gammaCov = _factorized is { } fz ? RobustCovariance.Compute(this, fz.Data, covType, groupIndex, groupCount, useCorrection) : null;
        copy.SetCovariance(_factorized is { } map
            ? map.Map(copy._gammaCov!)
            : AlphaEstimated
            ? NegativeBinomialRegression.RobustCovariance(data, copy._nonRobust, groupIndex, groupCount, useCorrection)
            : RobustCovariance.Compute(this, data, covType, groupIndex, groupCount, useCorrection));
        if (IsLeastSquares && !double.IsNaN(FValue))
        {
            // statsmodels' OLS fvalue with a robust covariance: the F test that every slope is zero under it.
            var slopes = Enumerable.Range(0, Params.Count).Where(j => j != data.ConstantColumn).ToArray();
            var r = new double[slopes.Length, Params.Count];
            for (var i = 0; i < slopes.Length; i++) r[i, slopes[i]] = 1;
            var f = copy._factorized is null ? copy.FTest(r) : null;
            (copy.FValue, copy.FPValue) = f is null ? copy.FactorizedSlopesF(slopes) : (f.Statistic, f.PValue);
        }
        return copy;
    }

    private double[,]? _nonRobust;
    private (double F, double P)? _nonRobustF;

    private void SetCovariance(double[,] cov)
    {
        var k = Params.Count;
        var bse = new double[k];
        var t = new double[k];
        var p = new double[k];
        for (var i = 0; i < k; i++)
        {
            bse[i] = Math.Sqrt(cov[i, i]);
            t[i] = Params[i] / bse[i];
            p[i] = TwoSidedPValue(t[i]);
        }
        CovParams = cov;
        Bse = bse;
        TValues = t;
        PValues = p;
    }

    /// <summary>P(|T| ≥ |t|) under the result's reference distribution (t with <see cref="DfResidInference"/>, or normal).</summary>
    internal double TwoSidedPValue(double t)
    {
        var a = -Math.Abs(t);
        if (double.IsNaN(a)) return double.NaN;
        return 2 * (UsesTDistribution ? StudentT.CDF(0, 1, DfResidInference, a) : Normal.CDF(0, 1, a));
    }
}
