using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using Degenerate.Tensors;

namespace Degenerate.Statistics;

/// <summary>
/// Computes every statistic of a <see cref="GlmResult"/> at given coefficients: the information in one native pass,
/// the likelihoods and goodness-of-fit sums on the host from the linear predictor. Formulas follow statsmodels 0.13.
/// </summary>
internal static class GlmStatistics
{
    public static GlmResult Compute(GlmProblem problem, Tensor beta, string method, int iterations, bool converged,
        List<string> warnings, GlmOptions options, Tensor? information = null)
    {
        var family = problem.Family;
        GlmResult.CheckCovOptions(options, problem.Rows, family);
        var n = (double)problem.Rows;
        var k = problem.ParamCount;
        var dfResid = n - k;
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
        double[] eta;
        using (var scope = new DisposeScope())
        {
            var e = problem.LinearPredictor(beta);
            eta = e.To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>();
        }

        var y = problem.YHost;
        var w = problem.WHost;
        // Robust covariances need the rows after the fit; a host copy of x (the problem's tensors die with it).
        GlmData? data = null;
        if (family != Family.Multinomial)
        {
            using var scope = new DisposeScope();
            data = new GlmData
            {
                X = problem.X.To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>(), Columns = (int)problem.X.Size(1),
                Intercept = problem.Intercept, Y = y, W = w, Eta = eta,
            };
        }
        var fit = family == Family.Multinomial
            ? Multinomial(y, w, eta, problem.Classes)
            : Univariate(family, problem.Link, y, w, eta, dfResid, problem.Intercept);

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
        var bse = new double[k];
        var tvalues = new double[k];
        var pvalues = new double[k];
        for (var i = 0; i < k; i++)
        {
            bse[i] = Math.Sqrt(cov[i, i]);
            tvalues[i] = parameters[i] / bse[i];
            var a = -Math.Abs(tvalues[i]);
            pvalues[i] = double.IsNaN(a) ? double.NaN : 2 * (useT ? StudentT.CDF(0, 1, dfResid, a) : Normal.CDF(0, 1, a));
        }

        // statsmodels: OLS subtracts the constant only when there is one; GLM and the discrete models always subtract
        // one coefficient per equation (as if a constant were present).
        var leastSquares = family == Family.Gaussian && problem.Link == Link.Identity;
        var dfModel = k - (problem.Intercept || !leastSquares ? problem.Equations : 0);
        if (options.Logger is { } logger)
            foreach (var warning in warnings) logger.LogWarning("GLM ({Family}, {Link}): {Warning}", family, problem.Link, warning);
        // Upper tails through the regularized incomplete gamma and beta functions, accurate far below 1e-16.
        var llr = 2 * (fit.Llf - fit.LlNull);
        var llrPValue = dfModel > 0 ? SpecialFunctions.GammaUpperRegularized(dfModel / 2.0, Math.Max(llr, 0) / 2) : double.NaN;
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
            BicLlf = -2 * fit.Llf + k * Math.Log(n),
            BicDeviance = fit.Deviance - dfResid * Math.Log(n),
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

    internal readonly record struct Fit(double Llf, double LlNull, double Deviance, double Pearson, double Scale, double RSquared,
        long ExactlyPredicted = 0);

    private static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    // x·log(x/m) with 0·log 0 = 0.
    private static double XLogXOverM(double x, double m) => x == 0 ? 0 : x * Math.Log(x / m);

    private static Fit Univariate(Family family, Link link, double[] y, double[]? w, double[] eta, double dfResid, bool intercept)
    {
        var n = y.Length;
        double Mu(double e) => link switch
        {
            Link.Identity => e,
            Link.Logit => 1 / (1 + Math.Exp(-e)),
            Link.Log => Math.Exp(e),
            Link.Inverse => 1 / e,
            _ => throw new ArgumentOutOfRangeException(nameof(link)),
        };
        double sw = 0, swy = 0;
        for (var i = 0; i < n; i++)
        {
            var wi = w?[i] ?? 1;
            sw += wi;
            swy += wi * y[i];
        }
        var mean = swy / sw;

        double deviance = 0, pearson = 0;
        long exact = 0;
        var mu = new double[n];
        for (var i = 0; i < n; i++)
        {
            var wi = w?[i] ?? 1;
            var m = mu[i] = Mu(eta[i]);
            var r = y[i] - m;
            switch (family)
            {
                case Family.Gaussian:
                    deviance += wi * r * r;
                    pearson += wi * r * r;
                    break;
                case Family.Binomial:
                    if (Math.Abs(r) < 1e-8 && (y[i] == 0 || y[i] == 1)) exact++;
                    deviance += 2 * wi * (XLogXOverM(y[i], m) + XLogXOverM(1 - y[i], 1 - m));
                    pearson += wi * r * r / (m * (1 - m));
                    break;
                case Family.Poisson:
                    deviance += 2 * wi * (XLogXOverM(y[i], m) - r);
                    pearson += wi * r * r / m;
                    break;
                case Family.Gamma:
                    deviance += 2 * wi * (-Math.Log(y[i] / m) + r / m);
                    pearson += wi * r * r / (m * m);
                    break;
            }
        }
        var scale = family is Family.Gaussian or Family.Gamma ? pearson / dfResid : 1.0;

        double llf, llnull, rsquared = double.NaN;
        switch (family)
        {
            case Family.Gaussian:
            {
                // statsmodels: the Gaussian log-likelihood at the MLE variance SSR/n (as OLS/WLS).
                double logw = 0, ssr0 = 0, tss = 0;
                for (var i = 0; i < n; i++)
                {
                    var wi = w?[i] ?? 1;
                    if (w is not null) logw += Math.Log(wi);
                    ssr0 += wi * (y[i] - mean) * (y[i] - mean);
                    tss += wi * y[i] * y[i];
                }
                double Ll(double ssr) => -n / 2.0 * (1 + Math.Log(2 * Math.PI * ssr / n)) + logw / 2;
                llf = Ll(deviance);
                llnull = Ll(ssr0);
                if (link == Link.Identity) rsquared = 1 - deviance / (intercept ? ssr0 : tss);
                break;
            }
            case Family.Binomial:
            {
                double l = 0, l0 = 0;
                var logMean = Math.Log(mean);
                var log1mMean = Math.Log(1 - mean);
                for (var i = 0; i < n; i++)
                {
                    var trials = w?[i] ?? 1;
                    var s = trials * y[i];
                    var c = trials == 1 && (y[i] == 0 || y[i] == 1)
                        ? 0
                        : SpecialFunctions.GammaLn(trials + 1) - SpecialFunctions.GammaLn(s + 1) - SpecialFunctions.GammaLn(trials - s + 1);
                    // y·log μ + (1 − y)·log(1 − μ) written in η, exact for large |η|
                    l += c + trials * (y[i] * eta[i] - Softplus(eta[i]));
                    l0 += c + trials * ((y[i] == 0 ? 0 : y[i] * logMean) + (y[i] == 1 ? 0 : (1 - y[i]) * log1mMean));
                }
                llf = l;
                llnull = l0;
                break;
            }
            case Family.Poisson:
            {
                double l = 0, l0 = 0;
                var logMean = Math.Log(mean);
                for (var i = 0; i < n; i++)
                {
                    var wi = w?[i] ?? 1;
                    var c = SpecialFunctions.GammaLn(y[i] + 1);
                    l += wi * ((y[i] == 0 ? 0 : y[i] * Math.Log(mu[i])) - mu[i] - c);
                    l0 += wi * ((y[i] == 0 ? 0 : y[i] * logMean) - mean - c);
                }
                llf = l;
                llnull = l0;
                break;
            }
            case Family.Gamma:
            {
                double l = 0, l0 = 0;
                for (var i = 0; i < n; i++)
                {
                    var ws = (w?[i] ?? 1) / scale;
                    var common = -Math.Log(y[i]) - SpecialFunctions.GammaLn(ws);
                    l += ws * Math.Log(ws * y[i] / mu[i]) - ws * y[i] / mu[i] + common;
                    l0 += ws * Math.Log(ws * y[i] / mean) - ws * y[i] / mean + common;
                }
                llf = l;
                llnull = l0;
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(family), family, "not a univariate family");
        }
        return new Fit(llf, llnull, deviance, pearson, scale, rsquared, exact);
    }

    private static Fit Multinomial(double[] y, double[]? w, double[] eta, int classes)
    {
        var n = y.Length;
        var m = classes - 1;
        var freq = new double[classes];
        double sw = 0;
        for (var i = 0; i < n; i++)
        {
            var wi = w?[i] ?? 1;
            freq[(int)y[i]] += wi;
            sw += wi;
        }
        double llf = 0, llnull = 0, pearson = 0;
        long exact = 0;
        var p = new double[classes];
        for (var i = 0; i < n; i++)
        {
            var wi = w?[i] ?? 1;
            // Softmax over (0, η₁, ..., η_m), shifted by the maximum.
            var max = 0.0;
            for (var j = 0; j < m; j++) max = Math.Max(max, eta[i * m + j]);
            var sum = Math.Exp(-max);
            for (var j = 0; j < m; j++) sum += Math.Exp(eta[i * m + j] - max);
            var logSum = max + Math.Log(sum);
            var c = (int)y[i];
            llf += wi * ((c == 0 ? 0 : eta[i * m + c - 1]) - logSum);
            llnull += wi * Math.Log(freq[c] / sw);
            for (var j = 0; j < classes; j++)
            {
                p[j] = Math.Exp((j == 0 ? 0 : eta[i * m + j - 1]) - logSum);
                var r = (j == c ? 1 : 0) - p[j];
                pearson += wi * r * r / p[j];
            }
            if (p[c] > 1 - 1e-8) exact++;
        }
        return new Fit(llf, llnull, -2 * llf, pearson, 1.0, double.NaN, exact);
    }
}
