using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using Degenerate.Tensors;

namespace Degenerate.Statistics;

/// <summary>
/// Computes every statistic of a <see cref="GlmResult"/> at given coefficients: the information in one native pass,
/// the likelihoods and goodness-of-fit sums on the host from the linear predictor. Formulas follow statsmodels 0.13.
/// </summary>
internal static partial class GlmStatistics
{
    public static GlmResult Compute(GlmProblem problem, Tensor beta, string method, int iterations, bool converged,
        List<string> warnings, GlmOptions options, Tensor? information = null)
    {
        var family = problem.Family;
        GlmResult.CheckCovOptions(options, problem.Rows, family);
        if (options.CovType != CovType.NonRobust && problem.FreqWeights is not null)
            throw new NotSupportedException("robust covariances with FreqWeights are not supported; repeat the rows instead");
        var n = (double)problem.Rows;
        var wnobs = problem.WeightedRows;  // statsmodels' wnobs: Σ freq_weights
        var k = problem.ParamCount;
        var dfResid = wnobs - k;
        var observed = options.ObservedInformation;

        double[] parameters;
        double[,] infoHost;
        using (var scope = new DisposeScope())
        {
            var info = information ?? problem.Information(beta, observed).Information;
            parameters = beta.To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>();
            infoHost = info.To(DType.Float64, Device.CPU).ToArray2D<double>();
        }

        // Linear predictor on the host: [n] or [n, k−1].
        var eta = GlmHostStatistics.LinearPredictor(problem, beta);
        if (eta is null)
        {
            using var scope = new DisposeScope();
            var e = problem.LinearPredictor(beta);
            eta = e.To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>();
        }
        if (problem.Offset is { } offset)
            for (var i = 0; i < eta.Length; i++) eta[i] += offset[i];

        var y = problem.YHost;
        var w = problem.WHost;
        // Robust covariances need the rows after the fit; a host copy of x (the problem's tensors die with it).
        GlmData? data = null;
        if (family != Family.Multinomial)
        {
            using var scope = new DisposeScope();
            // The design is the caller's array: keep the reference, not a copy (a million-row copy after every fit).
            var matrix = problem.Source;
            data = new GlmData
            {
                X = matrix is null ? problem.X.To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>() : null, Matrix = matrix,
                Columns = (int)problem.X.Size(1),
                Intercept = problem.Intercept, ConstantColumn = problem.ConstantColumn, Y = y, W = w, Eta = eta, Alpha = problem.Alpha, Shards = problem.Shards,
            };
        }
        var fit = family == Family.Multinomial
            ? Multinomial(problem, eta)
            : GlmHostStatistics.Logit(problem, eta) ?? Univariate(problem, eta, dfResid);

        if (fit.ExactlyPredicted > 0 && !warnings.Any(w => w.StartsWith("Perfect separation", StringComparison.Ordinal)))
        {
            warnings.Add(fit.ExactlyPredicted == problem.Rows
                ? "Perfect separation detected: every observation is predicted exactly (fitted probabilities 0 or 1); the " +
                  "maximum-likelihood coefficients are infinite and the standard errors, tests and intervals are not meaningful."
                : $"Quasi-complete separation: {fit.ExactlyPredicted} of {problem.Rows} observations are predicted exactly " +
                  "(fitted probability within 1e-8 of 0 or 1); some coefficients are not identified (their maximum-likelihood " +
                  "values are infinite) and their standard errors are not meaningful.");
        }

        // Covariance: scale · information⁻¹ (Cholesky; pseudo-inverse with a warning when singular).
        var cov = new double[k, k];
        using (var scope = new DisposeScope())
        {
            var info = Tensor.FromArray(infoHost);
            var chol = info.Cholesky();
            Tensor inverse;
            if (chol is not null) inverse = chol.CholeskyInverse();
            else
            {
                inverse = info.PseudoInverse();
                warnings.Add("The information matrix is singular or not positive definite at the estimates: standard " +
                             "errors come from its pseudo-inverse and are not reliable (separation or an unidentified model).");
            }
            var raw = inverse.ToArray2D<double>();
            for (var i = 0; i < k; i++)
                for (var j = 0; j < k; j++) cov[i, j] = raw[i, j] * fit.Scale;
        }
        var useT = options.UseTDistribution ?? (family == Family.Gaussian && problem.Link == Link.Identity);
        var (bse, tvalues, pvalues) = Wald(parameters, cov, useT, dfResid);

        // statsmodels: OLS subtracts the constant only when there is one; GLM and the discrete models always subtract
        // one coefficient per equation (as if a constant were present).
        var leastSquares = family == Family.Gaussian && problem.Link == Link.Identity;
        var dfModel = k - (problem.HasConstant || !leastSquares ? problem.Equations : 0);
        // A fit whose statistics are not finite has not converged to anything usable (issue 14: Gamma on y ~ 1e-300
        // reported NaN standard errors and log-likelihood while marked converged): say which and why.
        var nonFinite = new List<string>();
        if (!parameters.All(double.IsFinite)) nonFinite.Add("params");
        if (!bse.All(double.IsFinite)) nonFinite.Add("bse");
        if (!double.IsFinite(fit.Llf) && family != Family.Tweedie) nonFinite.Add("llf");
        if (!double.IsFinite(fit.Deviance)) nonFinite.Add("deviance");
        if (!double.IsFinite(fit.Scale)) nonFinite.Add("scale");
        if (nonFinite.Count > 0)
        {
            if (converged)
                warnings.Add($"Not converged: the iterations settled but {string.Join(", ", nonFinite)} {(nonFinite.Count == 1 ? "is" : "are")} " +
                             "not finite (the data's scale is outside what float64 resolves here, e.g. values near 1e-300, or the " +
                             "model is degenerate); rescale the target or the features.");
            else
                warnings.Add($"{string.Join(", ", nonFinite)} {(nonFinite.Count == 1 ? "is" : "are")} not finite.");
            converged = false;
        }
        if (options.Logger is { } logger)
            foreach (var warning in warnings) logger.LogWarning("GLM ({Family}, {Link}): {Warning}", family, problem.Link, warning);
        // Upper tails through the regularized incomplete gamma and beta functions, accurate far below 1e-16.
        var llr = 2 * (fit.Llf - fit.LlNull);
        var llrPValue = dfModel > 0 && double.IsFinite(llr) ? SpecialFunctions.GammaUpperRegularized(dfModel / 2.0, Math.Max(llr, 0) / 2) : double.NaN;
        double fValue = double.NaN, fPValue = double.NaN;
        if (leastSquares && dfModel > 0 && dfResid > 0)
        {
            fValue = fit.RSquared / dfModel / ((1 - fit.RSquared) / dfResid);
            fPValue = SpecialFunctions.BetaRegularized(dfResid / 2, dfModel / 2.0, dfResid / (dfResid + dfModel * fValue));
        }
        var result = new GlmResult
        {
            Data = data,
            LlrPValue = llrPValue,
            FValue = fValue,
            FPValue = fPValue,
            Family = family,
            Link = problem.Link,
            Method = method,
            ParamNames = problem.ParamNames,
            Params = parameters,
            Bse = bse,
            TValues = tvalues,
            PValues = pvalues,
            CovParams = cov,
            UsesTDistribution = useT,
            Llf = fit.Llf,
            LlNull = fit.LlNull,
            Aic = -2 * fit.Llf + 2 * k,
            BicLlf = -2 * fit.Llf + k * Math.Log(wnobs),
            BicDeviance = fit.Deviance - dfResid * Math.Log(wnobs),
            Deviance = fit.Deviance,
            PearsonChi2 = fit.Pearson,
            PseudoRSquared = 1 - fit.Llf / fit.LlNull,
            RSquared = fit.RSquared,
            Nobs = n,
            DfModel = dfModel,
            DfResid = dfResid,
            Scale = fit.Scale,
            Iterations = iterations,
            Converged = converged,
            Warnings = warnings.ToArray(),
        };
        return result.WithOptionsCovariance(options);
    }

    /// <summary>
    /// Each parameter's Wald statistics: bse = √diag(cov), t = param / bse, and the two-sided p-value under t(dfResid)
    /// or the standard normal (NaN where t is NaN).
    /// </summary>
    internal static (double[] Bse, double[] T, double[] P) Wald(IReadOnlyList<double> parameters, double[,] cov, bool useT, double dfResid)
    {
        var k = parameters.Count;
        var bse = new double[k];
        var t = new double[k];
        var p = new double[k];
        for (var i = 0; i < k; i++)
        {
            bse[i] = Math.Sqrt(cov[i, i]);
            t[i] = parameters[i] / bse[i];
            var a = -Math.Abs(t[i]);
            p[i] = double.IsNaN(a) ? double.NaN : 2 * (useT ? StudentT.CDF(0, 1, dfResid, a) : Normal.CDF(0, 1, a));
        }
        return (bse, t, p);
    }

    internal readonly record struct Fit(double Llf, double LlNull, double Deviance, double Pearson, double Scale, double RSquared,
        long ExactlyPredicted = 0);
}
