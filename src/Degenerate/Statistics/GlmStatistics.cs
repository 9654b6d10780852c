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

    // x·log(x/m) with 0·log 0 = 0.
    private static double XLogXOverM(double x, double m) => x == 0 ? 0 : x * Math.Log(x / m);

    // Univariate families, statsmodels' GLM definitions: with frequency weights f, variance weights v and Binomial
    // trials t, every sum is over rows weighted by f (each row stands for f observations); deviance and Pearson χ² use
    // the product f·v·t, the log-likelihood f·(v·ℓᵢ) with ℓᵢ the family's full log density of row i at the scale.
    private static Fit Univariate(GlmProblem problem, double[] eta, double dfResid)
    {
        var (family, link, y) = (problem.Family, problem.Link, problem.YHost);
        var w = problem.WHost;
        var n = y.Length;
        var mu = new double[n];
        double deviance = 0, pearson = 0;
        long exact = 0;
        for (var i = 0; i < n; i++)
        {
            var wi = w?[i] ?? 1;
            var m = mu[i] = LinkFunctions.Mean(link, eta[i]);
            var r = y[i] - m;
            if (family == Family.Binomial && Math.Abs(r) < 1e-8 && (y[i] == 0 || y[i] == 1)) exact++;
            deviance += wi * family switch
            {
                Family.Gaussian => r * r,
                Family.Binomial => 2 * (XLogXOverM(y[i], m) + XLogXOverM(1 - y[i], 1 - m)),
                Family.Poisson => 2 * (XLogXOverM(y[i], m) - r),
                Family.Gamma => 2 * (-Math.Log(y[i] / m) + r / m),
                Family.NegativeBinomial => 2 * (XLogXOverM(y[i], m) - (y[i] + 1 / problem.Alpha) * Math.Log((y[i] + 1 / problem.Alpha) / (m + 1 / problem.Alpha))),
                Family.Tweedie => LinkFunctions.TweedieDeviance(y[i], m, problem.Alpha),
                _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a univariate family"),
            };
            pearson += wi * r * r / LinkFunctions.Variance(family, m, problem.Alpha);
        }
        var sums = problem.Sum(deviance, pearson, exact);  // every rank's rows (a distributed fit)
        (deviance, pearson, exact) = (sums[0], sums[1], (long)sums[2]);
        var scale = family is Family.Gaussian or Family.Gamma or Family.Tweedie ? pearson / dfResid : 1.0;
        var nullMu = NullMeans(problem);
        var wnobs = problem.WeightedRows;
        double llf, llnull;
        var rsquared = double.NaN;
        if (family == Family.Gaussian)
        {
            double ssr0 = 0, tss = 0, ssrNull = 0;
            var mean = NullMean(problem, nullMu);
            for (var i = 0; i < n; i++)
            {
                var wi = w?[i] ?? 1;
                ssr0 += wi * (y[i] - mean) * (y[i] - mean);
                tss += wi * y[i] * y[i];
                ssrNull += wi * (y[i] - nullMu[i]) * (y[i] - nullMu[i]);
            }
            var totals = problem.Sum(ssr0, tss, ssrNull);
            (ssr0, tss, ssrNull) = (totals[0], totals[1], totals[2]);
            if (link == Link.Identity)
            {
                // statsmodels: the concentrated log-likelihood, at the MLE variance Σ f·v·r²/wnobs (OLS/WLS's llf).
                llf = GaussianLl(problem, mu, deviance / wnobs);
                // OLS/WLS's null model is concentrated at its own variance; a GLM with an offset or frequency or
                // variance weights (not an OLS model) evaluates the null means at the fit's scale, as statsmodels' GLM.
                llnull = !problem.GlmNull
                    ? GaussianLl(problem, nullMu, ssrNull / wnobs)
                    : GaussianLl(problem, nullMu, scale);
                rsquared = 1 - deviance / (problem.HasConstant ? ssr0 : tss);
            }
            else
            {
                llf = GaussianLl(problem, mu, scale);
                llnull = GaussianLl(problem, nullMu, scale);
            }
        }
        else
        {
            llf = LogLikelihood(problem, mu, eta, scale);
            llnull = LogLikelihood(problem, nullMu, null, scale);
        }
        return new Fit(llf, llnull, deviance, pearson, scale, rsquared, exact);
    }

    // Σ f·(−v·r²/scale − log(scale/v) − log 2π)/2.
    private static double GaussianLl(GlmProblem problem, double[] mu, double scale)
    {
        double l = 0;
        for (var i = 0; i < mu.Length; i++)
        {
            var f = problem.FreqWeights?[i] ?? 1;
            var v = problem.VarWeights?[i] ?? 1;
            var r = problem.YHost[i] - mu[i];
            l += f * (-v * r * r / scale - Math.Log(scale / v) - Math.Log(2 * Math.PI)) / 2;
        }
        return problem.Sum(l)[0];
    }

    // Binomial, Poisson and Gamma log-likelihoods at the means mu (and the linear predictor, for logit's exact form).
    private static double LogLikelihood(GlmProblem problem, double[] mu, double[]? eta, double scale)
    {
        var y = problem.YHost;
        if (problem.Family == Family.Tweedie) return double.NaN;  // decided before the loop: a distributed rank may have no rows
        double l = 0;
        // The null model's means are one value (without an offset): its logarithms are taken once, not once per row.
        double lastMu = double.NaN, logMu = 0, logOneMinusMu = 0;
        for (var i = 0; i < y.Length; i++)
        {
            var f = problem.FreqWeights?[i] ?? 1;
            var v = problem.VarWeights?[i] ?? 1;
            double li;
            switch (problem.Family)
            {
                case Family.Binomial:
                {
                    var t = problem.Trials?[i] ?? 1;
                    var s = t * y[i];
                    var c = t == 1 && (y[i] == 0 || y[i] == 1)
                        ? 0
                        : SpecialFunctions.GammaLn(t + 1) - SpecialFunctions.GammaLn(s + 1) - SpecialFunctions.GammaLn(t - s + 1);
                    var kernel = eta is not null
                        ? LinkFunctions.Terms(Family.Binomial, problem.Link, y[i], eta[i], 1, false).L
                        : (y[i] == 0 ? 0 : y[i] * LogMu(i)) + (y[i] == 1 ? 0 : (1 - y[i]) * LogOneMinusMu(i));
                    li = v * (c + t * kernel);
                    break;
                }
                case Family.Poisson:
                    li = v * ((y[i] == 0 ? 0 : y[i] * Math.Log(mu[i])) - mu[i] - SpecialFunctions.GammaLn(y[i] + 1));
                    break;
                case Family.NegativeBinomial:
                {
                    var a = problem.Alpha;
                    li = v * ((y[i] == 0 ? 0 : y[i] * Math.Log(a * mu[i])) - (y[i] + 1 / a) * Math.Log(1 + a * mu[i])
                              + SpecialFunctions.GammaLn(y[i] + 1 / a) - SpecialFunctions.GammaLn(1 / a) - SpecialFunctions.GammaLn(y[i] + 1));
                    break;
                }
                case Family.Tweedie:
                    return double.NaN;  // statsmodels 0.13.5 does not compute the Tweedie likelihood (eql=False): NaN
                case Family.Gamma:
                {
                    var ws = v / scale;
                    li = ws * Math.Log(ws * y[i] / mu[i]) - ws * y[i] / mu[i] - Math.Log(y[i]) - SpecialFunctions.GammaLn(ws);
                    break;
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(problem), problem.Family, "not a univariate family");
            }
            l += f * li;
        }
        return problem.Sum(l)[0];

        double LogMu(int i)
        {
            Refresh(i);
            return logMu;
        }

        double LogOneMinusMu(int i)
        {
            Refresh(i);
            return logOneMinusMu;
        }

        void Refresh(int i)
        {
            if (mu[i] == lastMu) return;
            lastMu = mu[i];
            logMu = Math.Log(lastMu);
            logOneMinusMu = Math.Log(1 - lastMu);
        }
    }

    // The first row's null mean (the weighted mean of y without an offset); a distributed fit takes the union's first row.
    private static double NullMean(GlmProblem problem, double[] nullMu) =>
        problem.Shards?.First(nullMu.Length > 0 ? nullMu[0] : null) ?? nullMu[0];

    /// <summary>
    /// The fitted means of the intercept-only model (statsmodels' <c>null</c>): the weighted mean of y, or, with an
    /// offset, the maximum-likelihood intercept α of η = α + offset by Fisher scoring from g(ȳ).
    /// </summary>
    internal static double[] NullMeans(GlmProblem problem)
    {
        var (y, w, n) = (problem.YHost, problem.WHost, problem.YHost.Length);
        var means = new double[n];
        if (problem.Offset is not { } offset)
        {
            double sw = 0, swy = 0;
            for (var i = 0; i < n; i++)
            {
                var wi = w?[i] ?? 1;
                sw += wi;
                swy += wi * y[i];
            }
            var s = problem.Sum(sw, swy);
            Array.Fill(means, s[1] / s[0]);
            return means;
        }
        var ySums = problem.Sum(y.Sum(), n);
        var alpha = LinkFunctions.Value(problem.Link, problem.Shards is null ? y.Average() : ySums[0] / ySums[1]);
        for (var it = 0; it < 200; it++)
        {
            double score = 0, info = 0;
            for (var i = 0; i < n; i++)
            {
                var t = LinkFunctions.Terms(problem.Family, problem.Link, y[i], alpha + offset[i], w?[i] ?? 1, false, problem.Alpha);
                score += t.S;
                info += t.H;
            }
            var si = problem.Sum(score, info);
            var step = si[0] / si[1];
            alpha += step;
            if (!(Math.Abs(step) > 1e-15 * (1 + Math.Abs(alpha)))) break;
        }
        for (var i = 0; i < n; i++) means[i] = LinkFunctions.Mean(problem.Link, alpha + offset[i]);
        return means;
    }

    private static Fit Multinomial(GlmProblem problem, double[] eta)
    {
        var (y, w, classes) = (problem.YHost, problem.WHost, problem.Classes);
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
        var counts = problem.Sum([.. freq, sw]);
        Array.Copy(counts, freq, classes);
        sw = counts[classes];
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
        var sums = problem.Sum(llf, llnull, pearson, exact);
        (llf, llnull, pearson, exact) = (sums[0], sums[1], sums[2], (long)sums[3]);
        return new Fit(llf, llnull, -2 * llf, pearson, 1.0, double.NaN, exact);
    }
}
