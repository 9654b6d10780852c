using System.Globalization;
using MathNet.Numerics;
using Degenerate.Tensors;

namespace Degenerate.Statistics;

/// <summary>
/// Negative binomial regression with the dispersion estimated: statsmodels' discrete <c>NegativeBinomial</c> model
/// (loglike_method='nb2'), V(μ) = μ + αμ², log link, α fitted by maximum likelihood jointly with the coefficients. The
/// result is a <see cref="GlmResult"/> whose last parameter is α (named "alpha", <see cref="GlmResult.AlphaEstimated"/>);
/// its statistics are statsmodels' NegativeBinomialResults: llf, llnull of the constant-only NB2 model (with its own α),
/// aic and bic counting α, McFadden's pseudo R², the LR test, z tests. For a given α use
/// <see cref="Glm.Fit(double[,], double[], Family, Link?, GlmOptions?, double[])"/> with <see cref="Family.NegativeBinomial"/>
/// and <see cref="GlmOptions.Alpha"/>. See docs/glm.md.
/// </summary>
/// <example><code>
/// GlmResult nb = NegativeBinomialRegression.Fit(x, visits, new GlmOptions { Exposure = years });
/// double alpha = nb.Alpha;            // also nb.Params[^1], with its standard error nb.Bse[^1]
/// Console.WriteLine(nb.Summary());    // "NegativeBinomial Regression Results"
/// </code></example>
public static class NegativeBinomialRegression
{
    /// <summary>
    /// Fits NB2 by Newton's method on (β, log α) from statsmodels' start (the Poisson fit and the moment estimate of α),
    /// and reports the covariance from the observed information in (β, α), as statsmodels does. Options used:
    /// FitIntercept, FeatureNames, Tolerance (largest step in β and log α), MaxIterations, Logger, Device,
    /// UseTDistribution (default z), Offset and Exposure, and CovType with Groups (HC0; HC1–HC3 give HC0 as statsmodels'
    /// discrete models do; cluster over every parameter, α included). <see cref="GlmOptions.Alpha"/> is ignored (α is estimated).
    /// </summary>
    /// <exception cref="ArgumentException">Bad input (mismatched lengths, NaN, negative counts, a rank-deficient design).</exception>
    /// <exception cref="NotSupportedException">Options the discrete model does not take: frequency or variance weights, or
    /// a solver other than Newton.</exception>
    public static GlmResult Fit(double[,] x, double[] y, GlmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        options ??= new GlmOptions();
        GlmInput.CheckOptions(options);
        if (options.FreqWeights is not null || options.VarWeights is not null)
            throw new NotSupportedException("NegativeBinomialRegression takes no FreqWeights or VarWeights (statsmodels' discrete NegativeBinomial has none)");
        GlmResult.CheckCovOptions(options, x.GetLength(0), Family.NegativeBinomial);
        if (options.Solver != Solver.Newton)
            throw new NotSupportedException($"NegativeBinomialRegression fits by Newton's method only; Solver {options.Solver} is not supported");
        if (options.ProcessGroup is not null)
            throw new NotSupportedException("NegativeBinomialRegression is not distributed; with GlmOptions.ProcessGroup use Glm.Fit with Family.NegativeBinomial and a given Alpha");
        using var problem = GlmInput.Build(x, y, null, Family.NegativeBinomial, Link.Log, options, skipConstant: true);
        // An ill-conditioned design would need the QR route of Glm.Fit (Glm.Factorized.cs), which this fit does not take yet.
        if (GlmInput.CheckRank(problem, x) is { } design)
            throw new NotSupportedException($"x is ill-conditioned (condition number {design.Condition:G3}; {design.ScaledCondition:G3} with unit-norm " +
                $"columns, above {DesignFactorization.Threshold:G3}): NegativeBinomialRegression solves the normal equations, which lose the " +
                "coefficients' digits there; rescale or combine the nearly collinear columns, or use Glm.Fit with Family.NegativeBinomial and a given Alpha");
        var warnings = new List<string>();
        var n = y.Length;
        var offset = problem.Offset;
        var k = problem.Columns;

        // statsmodels' start: the Poisson fit, and α from its residuals, at least 0.05.
        var poisson = Glm.Fit(x, y, Family.Poisson, Link.Log, new GlmOptions
        {
            FitIntercept = options.FitIntercept, Offset = options.Offset, Exposure = options.Exposure, Device = options.Device,
            MaxIterations = options.MaxIterations,
        });
        var start = poisson.Params.ToArray();
        if (!start.All(double.IsFinite)) start = new double[k];
        var full = new NegativeBinomialNewton
        {
            Y = y,
            LinearPredictor = beta => Eta(problem, beta),
            Products = (s, c, h) => Products(problem, s, c, h),
        };
        var alpha0 = Math.Max(0.05, MomentAlpha(y, full.LinearPredictor(start), n - k));
        var fit = full.Run(start, alpha0, options.Tolerance, options.MaxIterations);
        if (!fit.Converged)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"Newton did not converge in {fit.Iterations} iterations (last max |step| in (beta, log alpha) = {fit.MaxStep:G3}, tolerance {options.Tolerance:G3})."));
        if (fit.Alpha < 1e-6)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"alpha = {fit.Alpha:G3} is at the boundary: the counts show no overdispersion and the Poisson model fits as well."));
        if (fit.Ridged > 0)
            warnings.Add($"The information matrix was not positive definite in {fit.Ridged} Newton step(s); ridged steps were used.");

        // The null model: a constant and its own α (statsmodels refits it), with the offset and exposure.
        var nullNewton = new NegativeBinomialNewton
        {
            Y = y,
            LinearPredictor = beta => Enumerable.Range(0, n).Select(i => beta[0] + (offset?[i] ?? 0)).ToArray(),
            Products = (s, c, h) => (new[] { s.Sum() }, new[] { c.Sum() }, new[,] { { h.Sum() } }),
        };
        var rate = Enumerable.Range(0, n).Select(i => y[i] / Math.Exp(offset?[i] ?? 0)).Average();
        double[] nullStart = [Math.Log(Math.Max(rate, 1e-300))];
        var nullFit = nullNewton.Run(nullStart, Math.Max(0.05, MomentAlpha(y, nullNewton.LinearPredictor(nullStart), n - 1)),
            options.Tolerance, options.MaxIterations);
        if (!nullFit.Converged)
            warnings.Add($"The null (constant-only) model did not converge in {nullFit.Iterations} iterations; llnull and the LR test are approximate.");

        return Result(problem, fit, nullFit.Llf, full, warnings, options).WithOptionsCovariance(options);
    }

    /// <summary>
    /// The sandwich B·M·B of the NB2 parameters (β and α) as statsmodels' discrete models build it: B the inverse
    /// observed information (<paramref name="breadInverse"/>, the non-robust covariance), M the sum of the rows' score
    /// vectors' outer products (summed within clusters first, times G/(G − 1)·(n − 1)/(n − K) with K counting α when
    /// corrected). Every HC type is HC0 here, as statsmodels' NegativeBinomial results have no cov_HC1..cov_HC3.
    /// </summary>
    internal static double[,] RobustCovariance(GlmData data, double[,] breadInverse, int[]? groupIndex, int groupCount, bool useCorrection)
    {
        var n = data.Rows;
        var k = data.Params;
        var kk = k + 1;
        var groups = groupIndex is null ? n : groupCount;
        var sums = new double[groups, kk];
        var row = new double[k];
        for (var i = 0; i < n; i++)
        {
            data.Row(i, row);
            var t = NegativeBinomialTerms.Of(data.Y[i], data.Eta[i], data.Alpha, false);
            var g = groupIndex?[i] ?? i;
            for (var a = 0; a < k; a++) sums[g, a] += row[a] * t.ScoreEta;
            sums[g, k] += t.ScoreDispersion;
        }
        var meat = new double[kk, kk];
        for (var g = 0; g < groups; g++)
            for (var a = 0; a < kk; a++)
                for (var b = 0; b < kk; b++) meat[a, b] += sums[g, a] * sums[g, b];
        var factor = groupIndex is not null && useCorrection ? groupCount / (groupCount - 1.0) * (n - 1.0) / (n - kk) : 1.0;
        var left = new double[kk, kk];
        for (var a = 0; a < kk; a++)
            for (var b = 0; b < kk; b++)
            {
                double v = 0;
                for (var c = 0; c < kk; c++) v += breadInverse[a, c] * meat[c, b];
                left[a, b] = v;
            }
        var cov = new double[kk, kk];
        for (var a = 0; a < kk; a++)
            for (var b = 0; b < kk; b++)
            {
                double v = 0;
                for (var c = 0; c < kk; c++) v += left[a, c] * breadInverse[c, b];
                cov[a, b] = v * factor;
            }
        return cov;
    }

    private static double MomentAlpha(double[] y, double[] eta, double dfResid)
    {
        // statsmodels' _estimate_dispersion for nb2: Σ((y − μ)²/μ − 1)/μ / df_resid.
        double a = 0;
        for (var i = 0; i < y.Length; i++)
        {
            var mu = Math.Exp(eta[i]);
            var r = y[i] - mu;
            a += (r * r / mu - 1) / mu;
        }
        var value = a / Math.Max(dfResid, 1);
        return double.IsFinite(value) ? value : 0.05;
    }

    private static double[] Eta(GlmProblem problem, double[] beta)
    {
        using var scope = new DisposeScope();
        var bt = Tensor.FromArray(beta, problem.X.Device);
        var eta = problem.LinearPredictor(bt).To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>();
        if (problem.Offset is { } offset)
            for (var i = 0; i < eta.Length; i++) eta[i] += offset[i];
        return eta;
    }

    // Xᵀs, Xᵀc and Xᵀ·diag(h)·X as tensor products over row chunks (the design never copied whole).
    private static (double[] S, double[] C, double[,] H) Products(GlmProblem problem, double[] s, double[] c, double[] h)
    {
        const long chunk = 1 << 16;
        using var scope = new DisposeScope();
        var device = problem.X.Device;
        var n = problem.Rows;
        var k = problem.Columns;
        var sc = Tensor.Zeros([k, 2], DType.Float64, device);
        var info = Tensor.Zeros([k, k], DType.Float64, device);
        for (long start = 0; start < n; start += chunk)
        {
            var len = Math.Min(chunk, n - start);
            using var inner = new DisposeScope();
            var rows = GlmTensorKernels.DesignRows(problem.X, problem.Intercept, start, len);
            var pair = new double[len * 2];
            var weights = new double[len];
            for (var i = 0; i < len; i++)
            {
                pair[2 * i] = s[start + i];
                pair[2 * i + 1] = c[start + i];
                weights[i] = h[start + i];
            }
            var rt = rows.T();
            sc.AddInPlace(rt.MatMul(Tensor.FromArray(pair, [len, 2], device)));
            info.AddInPlace(rt.MatMul(rows * Tensor.FromArray(weights, device).Unsqueeze(1)));
        }
        var both = sc.To(DType.Float64, Device.CPU).ToArray2D<double>();
        return (Enumerable.Range(0, k).Select(j => both[j, 0]).ToArray(), Enumerable.Range(0, k).Select(j => both[j, 1]).ToArray(),
            info.To(DType.Float64, Device.CPU).ToArray2D<double>());
    }

    private static GlmResult Result(GlmProblem problem, NegativeBinomialNewton.Outcome fit, double llnull, NegativeBinomialNewton full,
        List<string> warnings, GlmOptions options)
    {
        var k = problem.Columns;
        var kk = k + 1;
        var eta = full.LinearPredictor(fit.Beta);
        // statsmodels reports the covariance from the Hessian in α (not log α) at the estimates.
        var (_, info) = full.Derivatives(eta, fit.Alpha, false);
        var cov = new double[kk, kk];
        var singular = false;
        for (var j = 0; j < kk; j++)
        {
            var unit = new double[kk];
            unit[j] = 1;
            if (NegativeBinomialNewton.Cholesky.Solve(info, unit) is not { } column)
            {
                singular = true;
                break;
            }
            for (var i = 0; i < kk; i++) cov[i, j] = column[i];
        }
        if (singular)
        {
            using var scope = new DisposeScope();
            cov = Tensor.FromArray(info).PseudoInverse().ToArray2D<double>();
            warnings.Add("The information matrix is singular or not positive definite at the estimates: standard errors come " +
                         "from its pseudo-inverse and are not reliable.");
        }
        var parameters = fit.Beta.Append(fit.Alpha).ToArray();
        var useT = options.UseTDistribution ?? false;
        var nobs = (double)problem.Rows;
        var dfResid = nobs - k;
        var dfModel = k - 1.0;  // statsmodels' discrete models: rank − 1, constant or not
        var (bse, tvalues, pvalues) = GlmStatistics.Wald(parameters, cov, useT, dfResid);
        var converged = fit.Converged;
        if (!parameters.All(double.IsFinite) || !bse.All(double.IsFinite) || !double.IsFinite(fit.Llf))
        {
            warnings.Add("params, bse or llf are not finite.");
            converged = false;
        }
        if (options.Logger is { } logger)
            foreach (var warning in warnings) logger.LogWarning("NegativeBinomialRegression: {Warning}", warning);
        // statsmodels' NegativeBinomialResults count df_model + k_constant + k_extra parameters in aic and bic (so
        // without a constant one coefficient fewer than there are: its formula, kept for equal numbers).
        var counted = dfModel + (problem.HasConstant ? 1 : 0) + 1;
        var llr = 2 * (fit.Llf - llnull);
        GlmData data;
        using (var scope = new DisposeScope())
        {
            data = new GlmData
            {
                X = problem.X.To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>(), Columns = (int)problem.X.Size(1),
                Intercept = problem.Intercept, ConstantColumn = problem.ConstantColumn, Y = problem.YHost, Eta = eta, Alpha = fit.Alpha,
            };
        }
        return new GlmResult
        {
            Data = data,
            Family = Family.NegativeBinomial,
            Link = Link.Log,
            AlphaEstimated = true,
            Method = "Newton",
            ParamNames = problem.ColumnNames.Append("alpha").ToArray(),
            Params = parameters,
            Bse = bse,
            TValues = tvalues,
            PValues = pvalues,
            CovParams = cov,
            UsesTDistribution = useT,
            Llf = fit.Llf,
            LlNull = llnull,
            Aic = -2 * (fit.Llf - counted),
            BicLlf = -2 * fit.Llf + Math.Log(nobs) * counted,
            BicDeviance = double.NaN,
            Deviance = double.NaN,
            PearsonChi2 = double.NaN,
            PseudoRSquared = 1 - fit.Llf / llnull,
            LlrPValue = dfModel > 0 ? SpecialFunctions.GammaUpperRegularized(dfModel / 2, Math.Max(llr, 0) / 2) : double.NaN,
            RSquared = double.NaN,
            Nobs = nobs,
            DfModel = dfModel,
            DfResid = dfResid,
            Scale = 1,
            Iterations = fit.Iterations,
            Converged = converged,
            Warnings = warnings.ToArray(),
        };
    }
}
