using System.Globalization;
using Degenerate.Activations;
using Degenerate.Initializers;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Statistics;

// Reading a trained one-layer network as the GLM it is.
public static partial class Glm
{
    /// <summary>
    /// The GLM statistics at the weights of a trained one-layer network: a <see cref="Sequential"/> holding one
    /// <see cref="Dense"/> layer (optionally followed by an <see cref="Activation"/> layer), compiled with a loss. The
    /// family and link come from the final activation and the loss (see the class remarks); the intercept is the
    /// bias (present when the layer uses one). Softmax weights are reported as differences from class 0
    /// (statsmodels' MNLogit parameterization), since softmax is unchanged by adding one vector to every class.
    /// </summary>
    /// <exception cref="ArgumentException">The model is not a one-layer GLM, or the data do not fit it.</exception>
    /// <exception cref="NotSupportedException"><c>options.ProcessGroup</c> is set (use <see cref="Fit(double[,], double[], Family, Link?, GlmOptions?, double[])"/>).</exception>
    public static GlmResult FromModel(Model model, Data x, Data y, GlmOptions? options = null, Data? weights = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new GlmOptions();
        GlmInput.CheckOptions(options);
        // The statistics at a network's weights are computed from the rows given here; a distributed read would need
        // every rank's network to be the same one, which nothing here can check, so it is refused rather than silently
        // computed on this rank's rows alone.
        if (options.ProcessGroup is not null)
            throw new NotSupportedException("Glm.FromModel reads one process's rows; options.ProcessGroup is not supported " +
                "here: fit distributed with Glm.Fit(..., new GlmOptions { ProcessGroup = group }) instead");
        var (dense, family, link) = Identify(model);
        if (!model.Built) throw new ArgumentException("the model has no weights yet: Fit or Build it first", nameof(model));
        double[,] xs;
        double[] ys;
        double[]? ws = null;
        using (var scope = new DisposeScope())
        {
            if (x.IsEmpty) throw new ArgumentException("x is empty", nameof(x));
            xs = x.ToTensor(DType.Float64, Device.CPU, asMatrix: true).ToArray2D<double>();
            if (y.IsEmpty) throw new ArgumentException("y is empty", nameof(y));
            var yt = y.ToTensor(DType.Float64, Device.CPU, asMatrix: true);
            if (family == Family.Multinomial && yt.Size(1) == dense.Units && dense.Units > 1)
                yt = yt.ArgMax(1).To(DType.Float64);  // one-hot (categorical cross-entropy) targets to class indices
            else if (yt.Size(1) != 1)
                throw new ArgumentException($"y has shape {yt.ShapeString}; expected one column (or one-hot [n, {dense.Units}] for softmax)", nameof(y));
            ys = yt.Reshape(-1).ToArray<double>();
            if (weights is { } w) ws = w.ToTensor(DType.Float64, Device.CPU, asMatrix: false).Reshape(-1).ToArray<double>();
        }
        if (xs.GetLength(1) != dense.InputDim)
            throw new ArgumentException($"x has {xs.GetLength(1)} columns but the model's Dense layer takes {dense.InputDim}", nameof(x));
        var classNames = options.ClassNames;
        if (family == Family.Multinomial && classNames is null)
            classNames = Enumerable.Range(0, dense.Units).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var effective = new GlmOptions
        {
            Solver = options.Solver, FitIntercept = dense.UseBias, FeatureNames = options.FeatureNames, ClassNames = classNames,
            Tolerance = options.Tolerance, MaxIterations = options.MaxIterations, Logger = options.Logger,
            Device = options.Device, ObservedInformation = options.ObservedInformation,
            UseTDistribution = options.UseTDistribution, Epochs = options.Epochs, LearningRate = options.LearningRate,
            BatchSize = options.BatchSize, CovType = options.CovType, Groups = options.Groups,
            ClusterUseCorrection = options.ClusterUseCorrection, ClusterDfCorrection = options.ClusterDfCorrection,
            Alpha = model.Loss is Losses.NegativeBinomial nb ? nb.Alpha : options.Alpha, VarPower = options.VarPower, Offset = options.Offset, Exposure = options.Exposure, FreqWeights = options.FreqWeights, VarWeights = options.VarWeights,
        };
        using var problem = GlmInput.Build(xs, ys, ws, family, link, effective);
        var design = GlmInput.CheckRank(problem, xs);
        using var orthogonal = design is null ? null : OrthogonalProblem(problem, design);
        return FromProblem(model, problem, effective, "model", (int)Math.Min(int.MaxValue, model.Optimizer?.Iterations ?? 0),
            design is null ? null : (orthogonal!, design, xs));
    }

    private static (Dense Dense, Family Family, Link Link) Identify(Model model)
    {
        var layers = model.Layers;
        if (layers.Count is < 1 or > 2 || layers[0] is not Dense dense || (layers.Count == 2 && (layers[1] is not Activation || dense.Activation is not null)))
            throw new ArgumentException(
                $"a GLM is one Dense layer (optionally followed by an Activation layer); the model has {string.Join(", ", layers)}", nameof(model));
        var activation = layers.Count == 2 ? ((Activation)layers[1]).Function : dense.Activation;
        if (activation is Linear) activation = null;
        var loss = model.Loss ?? throw new ArgumentException("the model is not compiled: its loss decides the family", nameof(model));
        (Family, Link)? pair = (activation, loss) switch
        {
            (null, MeanSquaredError) => (Family.Gaussian, Link.Identity),
            (Sigmoid, BinaryCrossentropy { FromLogits: false }) or (null, BinaryCrossentropy { FromLogits: true }) => (Family.Binomial, Link.Logit),
            (Probit, BinaryCrossentropy { FromLogits: false }) => (Family.Binomial, Link.Probit),
            (CLogLog, BinaryCrossentropy { FromLogits: false }) => (Family.Binomial, Link.CLogLog),
            (null, Poisson) => (Family.Poisson, Link.Identity),
            (Softmax, CategoricalCrossentropy { FromLogits: false }) or (null, CategoricalCrossentropy { FromLogits: true }) => (Family.Multinomial, Link.Logit),
            (Softmax, SparseCategoricalCrossentropy { FromLogits: false }) or (null, SparseCategoricalCrossentropy { FromLogits: true }) => (Family.Multinomial, Link.Logit),
            (Exponential, Poisson) => (Family.Poisson, Link.Log),
            // Non-canonical pairs that are still exactly a GLM likelihood: MSE after exp or 1/x is the Gaussian with log
            // or inverse link, BCE after exp the Binomial log link (μ = e^η ≤ 1), the Gamma loss after a linear output
            // the Gamma identity link.
            (Exponential, MeanSquaredError) => (Family.Gaussian, Link.Log),
            (Inverse, MeanSquaredError) => (Family.Gaussian, Link.Inverse),
            (Exponential, BinaryCrossentropy { FromLogits: false }) => (Family.Binomial, Link.Log),
            (null, Gamma) => (Family.Gamma, Link.Identity),
            (Exponential, Gamma) => (Family.Gamma, Link.Log),
            (Inverse, Gamma) => (Family.Gamma, Link.Inverse),
            (Exponential, Losses.NegativeBinomial) => (Family.NegativeBinomial, Link.Log),
            (null, Losses.NegativeBinomial) => (Family.NegativeBinomial, Link.Identity),
            _ => null,
        };
        if (pair is not { } p)
            throw new ArgumentException(
                $"activation '{activation?.Name ?? "linear"}' with loss '{loss.Name}' is not a GLM; expected linear + mse, " +
                "sigmoid, probit or cloglog + binary_crossentropy, softmax + (sparse_)categorical_crossentropy, exponential + poisson, " +
                "linear + poisson, exponential + gamma, inverse + gamma, or exponential (or linear) + negative_binomial", nameof(model));
        var units = p.Item1 == Family.Multinomial ? dense.Units : 1;
        if (dense.Units != units || (p.Item1 == Family.Multinomial && units < 2))
            throw new ArgumentException($"the Dense layer has {dense.Units} unit(s); a {p.Item1} GLM needs {(p.Item1 == Family.Multinomial ? "k >= 2 (one per class)" : "1")}", nameof(model));
        return (dense, p.Item1, p.Item2);
    }

    // Coefficients from the layer's weights (multinomial: differences from class 0), then the statistics there, with
    // a check that the weights are at the maximum: the Newton step from them must be negligible.
    // An ill-conditioned design's statistics are computed on its Q (Glm.Factorized.cs) and mapped back.
    private static GlmResult FromProblem(Model model, GlmProblem problem, GlmOptions options, string method, int iterations,
        (GlmProblem Problem, DesignFactorization Design, double[,] X)? factorized = null)
    {
        var dense = (Dense)model.Layers[0];
        double[,] kernel;
        double[]? bias;
        using (var scope = new DisposeScope())
        {
            kernel = dense.Kernel!.Detach().To(DType.Float64, Device.CPU).ToArray2D<double>();
            bias = dense.Bias?.Detach().To(DType.Float64, Device.CPU).ToArray<double>();
        }
        var p = kernel.GetLength(0);
        var m = problem.Equations;
        var values = new double[m * problem.Columns];
        for (var e = 0; e < m; e++)
        {
            var j = problem.Family == Family.Multinomial ? e + 1 : 0;
            var offset = e * problem.Columns;
            var c = 0;
            if (bias is not null) values[offset + c++] = bias[j] - (problem.Family == Family.Multinomial ? bias[0] : 0);
            for (var f = 0; f < p; f++) values[offset + c++] = kernel[f, j] - (problem.Family == Family.Multinomial ? kernel[f, 0] : 0);
        }
        var warnings = new List<string>();
        var original = problem;
        if (factorized is { } orthogonal)
        {
            values = orthogonal.Design.ToOrthogonal(values);
            problem = orthogonal.Problem;
        }
        using var beta = Tensor.FromArray(values, problem.BetaShape, problem.X.Device);
        double largest;
        using (var scope = new DisposeScope())
        {
            var (score, info, _) = problem.Information(beta, false);
            var step = info.PseudoInverse().MatMul(score.Unsqueeze(1));
            largest = step.AbsMax().Item();
        }
        var threshold = Math.Sqrt(options.Tolerance);
        var stationary = largest <= threshold;
        if (!stationary)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"The weights are not at the maximum likelihood: a Newton step from them changes a coefficient by {largest:G3} " +
                $"(more than {threshold:G3}); train longer or with an exact solver (Newton) before reading the statistics."));
        var result = GlmStatistics.Compute(problem, beta, method, iterations, stationary, warnings, options);
        return factorized is { } g ? result.ForFactorizedDesign(g.Design, g.X, original.Intercept, options) : result;
    }
}
