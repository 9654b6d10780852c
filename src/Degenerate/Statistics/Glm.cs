using System.Globalization;
using Degenerate.Activations;
using Degenerate.Initializers;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Statistics;

/// <summary>
/// Generalized linear models with statsmodels' statistics, fitted exactly (native Newton/IRLS, or L-BFGS) or read
/// from a trained one-layer network: Dense(1) + MSE is OLS, sigmoid + binary cross-entropy logistic regression,
/// softmax + (sparse) categorical cross-entropy the multinomial logit, exponential + Poisson Poisson regression,
/// exponential or inverse + Gamma loss Gamma regression. See docs/glm.md.
/// </summary>
/// <example><code>
/// var result = Glm.Fit(x, y, Family.Binomial);              // logistic regression, intercept added
/// Console.WriteLine(result.Summary());
/// File.WriteAllText("fit.json", result.ToJson());
/// </code></example>
public static partial class Glm
{
    /// <summary>statsmodels' ridge on the Newton Hessian's diagonal (<c>ridge_factor</c>).</summary>
    public const double Ridge = 1e-10;

    /// <summary>
    /// Fits a GLM by maximum likelihood. <paramref name="y"/>: the response (Binomial: 0/1 or a proportion of
    /// successes, with <paramref name="weights"/> the numbers of trials; Multinomial: class indices 0..k−1).
    /// <paramref name="weights"/>: trials for the Binomial family, variance (prior) weights for the others.
    /// </summary>
    /// <exception cref="ArgumentException">Bad input: mismatched lengths, NaN or infinite values (the argument, row and
    /// column are named), responses outside the family's domain, or a rank-deficient design (the columns are named).</exception>
    public static GlmResult Fit(double[,] x, double[] y, Family family, Link? link = null, GlmOptions? options = null,
        double[]? weights = null)
    {
        options ??= new GlmOptions();
        GlmInput.CheckOptions(options);
        var resolved = GlmInput.ResolveLink(family, link);
        if (options.ProcessGroup is not null) return DistributedGlm.Fit(x, y, family, resolved, options, weights);
        // Columns far from unit scale are fitted rescaled by powers of two and the result mapped back (ColumnScaling).
        if (options.Solver != Solver.Adam && family != Family.Multinomial && ColumnScaling.For(x) is { } scale)
        {
            var scaled = Fit(ColumnScaling.Apply(x, scale), y, family, link, options, weights);
            return scaled.Data is null ? scaled : scaled.ForOriginalColumns(scale, ColumnScaling.RowMajor(x));
        }
        using var problem = GlmInput.Build(x, y, weights, family, resolved, options, skipConstant: true);
        if (GlmInput.CheckRank(problem, x) is { } design) return FitFactorized(problem, design, x, y, weights, options);
        return options.Solver switch
        {
            Solver.Newton => FitNewton(problem, options),
            Solver.LBFGS => FitLbfgs(problem, options),
            Solver.Adam => FitAdam(x, y, weights, problem, options),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Solver, "unknown solver"),
        };
    }

    /// <summary>
    /// Fits a Binomial GLM to a two-column target: successes in column 0, failures in column 1 (statsmodels' form).
    /// Equivalent to proportions successes/(successes + failures) with the totals as trials.
    /// </summary>
    public static GlmResult Fit(double[,] x, double[,] y, Family family, Link? link = null, GlmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (family != Family.Binomial)
            throw new ArgumentException($"a two-column (successes, failures) target needs the Binomial family, not {family}", nameof(family));
        if (y.GetLength(1) != 2)
            throw new ArgumentException($"y has {y.GetLength(1)} columns; a binomial count target has 2 (successes, failures)", nameof(y));
        GlmInput.CheckFinite(y, nameof(y));
        var n = y.GetLength(0);
        var proportion = new double[n];
        var trials = new double[n];
        for (var i = 0; i < n; i++)
        {
            double s = y[i, 0], f = y[i, 1];
            if (s < 0 || f < 0)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"y row {i} = ({s}, {f}): successes and failures must be >= 0"), nameof(y));
            trials[i] = s + f;
            proportion[i] = trials[i] > 0 ? s / trials[i] : 0;
        }
        return Fit(x, proportion, family, link, options, trials);
    }

    // ------------------------------------------------------------------ Newton

    private static GlmResult FitNewton(GlmProblem problem, GlmOptions options)
    {
        using var beta = StartingValues(problem);
        var (iterations, converged, perfect, fallbacks, maxStep, information) =
            Newton(problem, beta, options.Tolerance, options.MaxIterations);
        using var lastInformation = information;
        var warnings = NewtonWarnings(perfect, converged, iterations, maxStep, fallbacks, options);
        // At convergence the last pass's expected information (one step of at most Tolerance away) serves the
        // statistics, saving a pass over the data; observed information for a non-canonical link needs its own.
        var reuse = converged && !perfect && !(options.ObservedInformation && !IsCanonical(problem.Family, problem.Link));
        return GlmStatistics.Compute(problem, beta, "Newton", iterations, converged && !perfect, warnings, options,
            reuse ? lastInformation : null);
    }

    internal static List<string> NewtonWarnings(bool perfect, bool converged, int iterations, double maxStep, int fallbacks, GlmOptions options)
    {
        var warnings = new List<string>();
        if (perfect)
            warnings.Add("Perfect separation detected: every observation is predicted exactly, so the maximum-likelihood " +
                         "coefficients are infinite; the reported coefficients are where Newton stopped and their " +
                         "standard errors, tests and intervals are not meaningful (statsmodels 0.13 raises PerfectSeparationError).");
        else if (!converged)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"Newton did not converge in {iterations} iterations (last max |step| = {maxStep:G3}, tolerance {options.Tolerance:G3})."));
        if (fallbacks > 0)
            warnings.Add($"The information matrix was not positive definite in {fallbacks} Newton step(s); least-squares steps were used.");
        return warnings;
    }

    internal static bool IsCanonical(Family family, Link link) => (family, link) is (Family.Gaussian, Link.Identity)
        or (Family.Binomial, Link.Logit) or (Family.Poisson, Link.Log) or (Family.Gamma, Link.Inverse) or (Family.Multinomial, Link.Logit);

    internal static (int Iterations, bool Converged, bool Perfect, int Fallbacks, double MaxStep, Tensor? Information) Newton(
        GlmProblem problem, Tensor beta, double tolerance, int maxIterations)
    {
        var kernels = problem.ProblemKernels;
        // A large design starts from a row sample's MLE (GlmWarmStart); should full-data Newton then fail, it reruns from
        // the usual start, so the warm start never changes what the fit ends with.
        using var start = GlmWarmStart.Applies(problem, kernels) ? beta.Clone() : null;
        var warm = start is not null && GlmWarmStart.Run(problem, kernels, beta, tolerance, maxIterations, Ridge);
        var o = kernels.Newton(problem.X.Handle, problem.Intercept, problem.Y.Handle, problem.W?.Handle, problem.Family,
            problem.Link, tolerance, maxIterations, Ridge, beta.Handle, wantInformation: true);
        if (warm && !(o.Converged && !o.PerfectPrediction))
        {
            o.Information?.Dispose();
            beta.CopyFrom(start!);
            o = kernels.Newton(problem.X.Handle, problem.Intercept, problem.Y.Handle, problem.W?.Handle, problem.Family,
                problem.Link, tolerance, maxIterations, Ridge, beta.Handle, wantInformation: true);
        }
        Tensor? information = null;
        if (o.Information is { } info)
        {
            information = new Tensor(info);
            DisposeScope.Current?.Detach(information);
        }
        return (o.Iterations, o.Converged, o.PerfectPrediction, o.Fallbacks, o.MaxStep, information);
    }

    /// <summary>
    /// Zeros (statsmodels' Logit/MNLogit start) for Gaussian/identity, Binomial/logit and the multinomial family; for
    /// the others, where η = 0 may be outside the link's domain, the least-squares fit of g(μ₀) − offset with
    /// statsmodels' starting means μ₀ = (y + ȳ)/2, or (y + ½)/2 for the Binomial family.
    /// </summary>
    private static Tensor StartingValues(GlmProblem problem)
    {
        var beta = Tensor.Zeros(problem.BetaShape, DType.Float64, problem.X.Device);
        if (problem.Family == Family.Multinomial || (problem.Family, problem.Link) is (Family.Gaussian, Link.Identity) or (Family.Binomial, Link.Logit))
            return beta;
        var y = problem.YHost;
        var mean = y.Average();
        var z = new double[y.Length];
        for (var i = 0; i < y.Length; i++)
        {
            var mu0 = problem.Family == Family.Binomial ? (y[i] + 0.5) / 2 : (y[i] + mean) / 2;
            z[i] = LinkFunctions.Value(problem.Link, mu0) - (problem.Offset?[i] ?? 0);
        }
        using var zt = Tensor.FromArray(z, problem.X.Device);
        // One Gaussian Newton step from zero is the (weighted) least-squares solution.
        GlmProblem.Kernels.Newton(problem.X.Handle, problem.Intercept, zt.Handle, problem.W?.Handle, Family.Gaussian, Link.Identity,
            0, 1, 0, beta.Handle, wantInformation: false);
        return beta;
    }

    // ------------------------------------------------------------------ L-BFGS

    // L-BFGS on the mean negative log-likelihood kernel, its value and gradient from the native pass; converged when
    // max |gradient| ≤ Tolerance/100 (1e-10 by default), which puts the coefficients within about 1e-9 of the maximum.
    private static GlmResult FitLbfgs(GlmProblem problem, GlmOptions options)
    {
        var n = (double)problem.Rows;
        var device = problem.X.Device;
        // L-BFGS is not invariant to the columns' scales (Longley's run from 1 to 1e5): it works on γ = β·‖xⱼ‖, the
        // coefficients of unit-norm columns, and maps back (issue 14).
        var unit = ColumnScales(problem);
        (double F, double[] G) Evaluate(double[] gamma)
        {
            using var scope = new DisposeScope();
            var b = new double[gamma.Length];
            for (var i = 0; i < b.Length; i++) b[i] = gamma[i] * unit[i];
            var bt = Tensor.FromArray(b, problem.BetaShape, device);
            var (score, _, kernel) = problem.Information(bt, false);
            var g = score.To(DType.Float64, Device.CPU).ToArray<double>();
            for (var i = 0; i < g.Length; i++) g[i] = -g[i] / n * unit[i];
            return (-kernel / n, g);
        }
        double[] x;
        using (var start = StartingValues(problem)) x = start.To(DType.Float64, Device.CPU).Reshape(-1).ToArray<double>();
        for (var i = 0; i < x.Length; i++) x[i] /= unit[i];
        var (f, grad) = Evaluate(x);
        var core = new Optimizers.LbfgsCore(10);
        var gradientTolerance = options.Tolerance / 100;
        var iterations = 0;
        var converged = false;
        var warnings = new List<string>();
        while (true)
        {
            if (grad.Max(Math.Abs) <= gradientTolerance)
            {
                converged = true;
                break;
            }
            if (iterations >= options.MaxIterations) break;
            var next = core.Iterate(Evaluate, x, f, grad);
            iterations++;
            if (next is not { } r)
            {
                // No step decreases the objective: the numerical optimum, if the gradient is small there.
                converged = grad.Max(Math.Abs) <= 1e-6;
                break;
            }
            (x, f, grad) = (r.X, r.F, r.G);
        }
        if (!converged)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"L-BFGS did not converge in {iterations} iterations (max |gradient| of the mean log-likelihood = {grad.Max(Math.Abs):G3}, tolerance {gradientTolerance:G3})."));
        for (var i = 0; i < x.Length; i++) x[i] *= unit[i];
        using var beta = Tensor.FromArray(x, problem.BetaShape, device);
        return GlmStatistics.Compute(problem, beta, "LBFGS", iterations, converged, warnings, options);
    }

    /// <summary>1/‖xⱼ‖ for every coefficient (the ones column's norm is √n; an all-zero column keeps 1).</summary>
    private static double[] ColumnScales(GlmProblem problem)
    {
        double[] norms;
        using (var scope = new DisposeScope())
            norms = problem.X.Square().Sum(0).Sqrt().To(DType.Float64, Device.CPU).ToArray<double>();
        var columns = problem.Columns;
        var scales = new double[problem.ParamCount];
        for (var e = 0; e < problem.Equations; e++)
        {
            for (var j = 0; j < columns; j++)
            {
                var norm = problem.Intercept ? (j == 0 ? Math.Sqrt(problem.Rows) : norms[j - 1]) : norms[j];
                scales[e * columns + j] = norm > 0 && double.IsFinite(norm) ? 1 / norm : 1;
            }
        }
        return scales;
    }

    // ------------------------------------------------------------------ Adam (a network, then FromModel)

    private static GlmResult FitAdam(double[,] x, double[] y, double[]? weights, GlmProblem problem, GlmOptions options,
        (GlmProblem Problem, DesignFactorization Design, double[,] X)? factorized = null)
    {
        if (problem.Offset is not null)
            throw new NotSupportedException("Solver.Adam trains a network, which takes no offset or exposure yet; use Newton or LBFGS");
        var (units, activation, loss) = NetworkFor(problem);
        var mean = problem.YHost.Average();
        // Start at the intercept-only fit (kernel zero, bias g(ȳ)) so every link starts inside its domain.
        var bias = problem.Family switch
        {
            Family.Multinomial => 0,
            Family.Binomial => LinkFunctions.Value(problem.Link, Math.Clamp(mean, 1e-3, 1 - 1e-3)),
            _ => LinkFunctions.Value(problem.Link, mean),
        };
        using var model = new Sequential(new Dense(units, activation, useBias: problem.Intercept, inputDim: x.GetLength(1),
            kernelInitializer: new Zeros(), biasInitializer: new Constant(bias)));
        model.DType = DType.Float64;
        if (options.Device is { } device) model.Device = device;
        model.Compile(new Optimizers.Adam(options.LearningRate), loss);
        Data yData = problem.Family == Family.Multinomial ? y.Select(v => (int)v).ToArray() : y;
        model.Fit(x, yData, epochs: options.Epochs, batchSize: options.BatchSize, verbose: 0,
            sampleWeight: problem.WHost is null ? null : (Data?)problem.WHost);
        return FromProblem(model, problem, options, "Adam", options.Epochs, factorized);
    }

    private static (int Units, ActivationFunction? Activation, Loss Loss) NetworkFor(GlmProblem problem) => problem.Family switch
    {
        Family.Gaussian when problem.Link == Link.Identity => (1, null, new MeanSquaredError()),
        Family.Binomial => (1, problem.Link switch
        {
            Link.Logit => new Sigmoid(),
            Link.Probit => new Probit(),
            Link.CLogLog => new CLogLog(),
            _ => throw new NotSupportedException($"Solver.Adam has no activation for the Binomial {problem.Link} link; use Newton or LBFGS"),
        }, new BinaryCrossentropy()),
        Family.Poisson => (1, problem.Link switch
        {
            Link.Log => new Exponential(),
            Link.Identity => null,
            _ => throw new NotSupportedException($"Solver.Adam has no activation for the Poisson {problem.Link} link; use Newton or LBFGS"),
        }, new Poisson()),
        Family.Gamma when problem.Link is Link.Log or Link.Inverse => (1, problem.Link == Link.Log ? new Exponential() : new Inverse(), new Gamma()),
        Family.Gaussian when problem.Link != Link.Identity =>
            throw new NotSupportedException($"Solver.Adam has no activation for the Gaussian {problem.Link} link; use Newton or LBFGS"),
        Family.Gamma => throw new NotSupportedException($"Solver.Adam has no activation for the Gamma {problem.Link} link; use Newton or LBFGS"),
        Family.Multinomial => (problem.Classes, new Softmax(), new SparseCategoricalCrossentropy()),
        Family.NegativeBinomial => (1, problem.Link == Link.Log ? new Exponential() : null, new Losses.NegativeBinomial(problem.Alpha)),
        Family.Tweedie => throw new NotSupportedException("Solver.Adam has no Tweedie loss; use Newton or LBFGS"),
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem.Family, "unknown family"),
    };
}
