using System.Globalization;
using System.Runtime.InteropServices;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Statistics;

/// <summary>
/// A validated GLM problem: the data x (float64; on the CPU a view of the caller's pinned array, no copy) and the
/// response as tensors on the solver's device, plus host copies of y and the weights for the statistics. The
/// design is [1, x] when fitting an intercept: the native passes add the ones column implicitly.
/// </summary>
internal sealed class GlmProblem : IDisposable
{
    /// <summary>The data columns (without the ones column).</summary>
    public required Tensor X { get; init; }

    /// <summary>The caller's x itself (what <see cref="X"/> holds on its device), for the statistics' host rows; null if unknown.</summary>
    public double[,]? Source { get; init; }

    /// <summary>Keeps the caller's array pinned while <see cref="X"/> views it.</summary>
    public GCHandle Pin { get; init; }
    public required Tensor Y { get; init; }

    /// <summary>The weights the passes multiply by: frequency × variance weights × Binomial trials (null: all ones).</summary>
    public Tensor? W { get; init; }
    public required double[] YHost { get; init; }
    public double[]? WHost { get; init; }

    /// <summary>Binomial trials per row (null: one).</summary>
    public double[]? Trials { get; init; }

    /// <summary>statsmodels' freq_weights: each row stands for this many observations (null: one).</summary>
    public double[]? FreqWeights { get; init; }

    /// <summary>statsmodels' var_weights (prior weights; null: one).</summary>
    public double[]? VarWeights { get; init; }

    /// <summary>offset + log(exposure), added to Xβ (null: none).</summary>
    public double[]? Offset { get; init; }

    /// <summary>
    /// Whether statsmodels' GLM conventions rather than OLS/WLS's decide the Gaussian null log-likelihood: an offset,
    /// frequency weights or <see cref="GlmOptions.VarWeights"/> make the model a GLM (OLS and WLS take none of them).
    /// </summary>
    public bool GlmNull { get; init; }

    /// <summary>Σ freq_weights: the observations the rows represent (statsmodels' wnobs).</summary>
    public double WeightedRows => TotalWeightedRows ?? FreqWeights?.Sum() ?? Rows;
    public required Family Family { get; init; }
    public required Link Link { get; init; }
    public required bool Intercept { get; init; }

    /// <summary>
    /// The design column (counting the implicit ones column) that is constant, as statsmodels' <c>const_idx</c>: 0 for
    /// the added intercept, a data column's position for a constant column of x, −1 for none.
    /// </summary>
    public int ConstantColumn { get; init; } = -1;

    /// <summary>Whether the design has a constant (statsmodels' k_constant = 1): it decides df_model and the centered R².</summary>
    public bool HasConstant => ConstantColumn >= 0;
    public required IReadOnlyList<string> ColumnNames { get; init; }

    /// <summary>Number of classes (multinomial), else 1.</summary>
    public int Classes { get; init; } = 1;

    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The observations of the fit: this process's rows, or every rank's for a distributed fit.</summary>
    public long Rows => TotalRows ?? YHost.LongLength;

    /// <summary>A distributed fit (DistributedGlm): the ranks' reductions, and the global counts; null otherwise.</summary>
    public DistributedSums? Shards { get; set; }
    public long? TotalRows { get; set; }
    public double? TotalWeightedRows { get; set; }

    /// <summary>Row sums over every rank's rows (a distributed fit), else the values themselves.</summary>
    public double[] Sum(params double[] values) => Shards?.Sum(values) ?? values;

    public int Columns => ColumnNames.Count;

    /// <summary>Equations: k − 1 for the multinomial family, else 1.</summary>
    public int Equations => Family == Family.Multinomial ? Classes - 1 : 1;

    public int ParamCount => Columns * Equations;

    public IReadOnlyList<string> ParamNames
    {
        get
        {
            if (Family != Family.Multinomial) return ColumnNames;
            var names = new List<string>();
            for (var j = 1; j < Classes; j++)
            {
                var label = ClassNames?[j] ?? j.ToString(CultureInfo.InvariantCulture);
                names.AddRange(ColumnNames.Select(c => $"{label}:{c}"));
            }
            return names;
        }
    }

    public void Dispose()
    {
        X.Dispose();  // before unpinning: the tensor may view the pinned array
        Y.Dispose();
        W?.Dispose();
        if (Pin.IsAllocated) Pin.Free();
    }

    /// <summary>The linear predictor Xβ ([n], or [n, k−1] for the multinomial family).</summary>
    public Tensor LinearPredictor(Tensor beta)
    {
        return new Tensor(Kernels.LinearPredictor(X.Handle, Intercept, beta.Handle));
    }

    /// <summary>Shape of the coefficient tensor the native solver takes: [p] or [k−1, p].</summary>
    public long[] BetaShape => Family == Family.Multinomial ? [Equations, Columns] : [Columns];

    /// <summary>
    /// The passes this problem runs on: the engine's fused ones (or the portable equivalent) for the canonical links
    /// and Gamma/log without an offset, the general ones otherwise.
    /// </summary>
    public IGlmKernels ProblemKernels => Offset is null && FusedSupported(Family, Link) ? Kernels : new GlmGeneralKernels(Offset, Alpha);

    /// <summary>The family's parameter: the negative binomial's α, the Tweedie variance power (1 otherwise, unused).</summary>
    public double Alpha { get; init; } = 1;

    internal static bool FusedSupported(Family family, Link link) => (family, link) is (Family.Gaussian, Link.Identity)
        or (Family.Binomial, Link.Logit) or (Family.Poisson, Link.Log) or (Family.Gamma, Link.Inverse) or (Family.Gamma, Link.Log)
        or (Family.Multinomial, Link.Logit);

    /// <summary>
    /// The engine's fused GLM passes (on the CPU routed through the managed host pass, <see cref="GlmHostKernels"/>), else
    /// (or when forced) the portable ones written on tensor operations.
    /// </summary>
    internal static IGlmKernels Kernels
    {
        get
        {
            var own = ForcePortableKernels ? null : Engine.Current.GlmKernels;
            if (own is null) return GlmTensorKernels.Instance;
            var routed = Routed;
            if (routed is null || !ReferenceEquals(routed.Engine, own)) Routed = routed = new GlmHostKernels(own);
            return routed;
        }
    }

    private static GlmHostKernels? Routed;

    private static readonly AsyncLocal<bool> ForcePortable = new();

    /// <summary>Tests: use the portable kernels on this logical flow even when the engine has fused ones.</summary>
    internal static bool ForcePortableKernels
    {
        get => ForcePortable.Value;
        set => ForcePortable.Value = value;
    }

    /// <summary>Score, information and log-likelihood kernel at <paramref name="beta"/> (one pass over the data).</summary>
    public (Tensor Score, Tensor Information, double Kernel) Information(Tensor beta, bool observed)
    {
        var (s, i, ll) = ProblemKernels.Information(X.Handle, Intercept, Y.Handle, W?.Handle, Family, Link, observed, beta.Handle);
        return (new Tensor(s), new Tensor(i), ll);
    }
}
