using MathNet.Numerics;

namespace Degenerate.Statistics;

// The families' per-row sums behind a GlmResult (deviance, Pearson χ², log-likelihoods, the null model), statsmodels
// 0.13's definitions: the general loops that GlmHostStatistics' vectorized logistic sweep stands in for where exact.
internal static partial class GlmStatistics
{
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
