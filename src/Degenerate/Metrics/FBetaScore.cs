using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// F-beta score (1 + β²)·precision·recall / (β²·precision + recall) per class, as <c>keras.metrics.FBetaScore</c>:
/// predictions are positive above <c>threshold</c>, or, when it is null, where they equal the row's maximum (and are
/// not ~0). <c>average</c>: null gives one value per class; "micro" pools the counts of every class; "macro" averages the
/// classes; "weighted" averages them weighted by their number of true samples. Keras's epsilon 1e-7 guards each division.
/// </summary>
public class FBetaScore : Metric
{
    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    private Tensor? _tp, _fp, _fn, _support;

    /// <summary>Creates the metric.</summary>
    /// <param name="average">null, "micro", "macro" or "weighted".</param>
    /// <param name="beta">Weight of recall relative to precision, &gt; 0.</param>
    /// <param name="threshold">Decision threshold in (0, 1], or null for the row's maximum.</param>
    /// <param name="name">The logged name.</param>
    public FBetaScore(string? average = null, double beta = 1.0, double? threshold = null, string name = "fbeta_score") : base(name)
    {
        if (average is not (null or "micro" or "macro" or "weighted"))
            throw new ArgumentException($"average must be null, \"micro\", \"macro\" or \"weighted\", got \"{average}\"", nameof(average));
        if (!(beta > 0) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite and > 0");
        if (threshold is { } t && !(t > 0 && t <= 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must satisfy 0 < threshold <= 1");
        Average = average;
        Beta = beta;
        Threshold = threshold;
    }

    /// <summary>null, "micro", "macro" or "weighted".</summary>
    public string? Average { get; }

    /// <summary>Weight of recall relative to precision.</summary>
    public double Beta { get; }

    /// <summary>Decision threshold, or null for the row's maximum.</summary>
    public double? Threshold { get; }

    /// <inheritdoc/>
    protected override void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        MetricChecks.Matrix(yPred, Name);
        MetricChecks.SameShape(yTrue, yPred, Name);
        using var noGrad = Autograd.NoGrad();
        using var scope = new DisposeScope();
        var p = yPred.To(DType.Float64);
        Tensor predicted;
        if (Threshold is { } t) predicted = p.Gt(t).To(DType.Float64);
        else
        {
            var rowMax = p.Max(-1, keepDim: true);
            var atMax = (p - rowMax).Ge(0.0);
            var notZero = p.Abs().Gt(1e-9);
            predicted = atMax.LogicalAnd(notZero).To(DType.Float64);
        }
        var y = yTrue.To(DType.Float64);
        var w = sampleWeight is null ? null : Weights(sampleWeight, p.Size(0));
        Tensor Sum(Tensor v) => (w is null ? v : v * w).Sum(0);
        Accumulate(ref _tp, Sum(predicted * y), scope);
        Accumulate(ref _fp, Sum(predicted * (1 - y)), scope);
        Accumulate(ref _fn, Sum((1 - predicted) * y), scope);
        Accumulate(ref _support, Sum(y), scope);
    }

    private static Tensor Weights(Tensor sampleWeight, long rows)
    {
        MetricChecks.SampleWeight(sampleWeight, rows);
        return sampleWeight.To(DType.Float64).Reshape(-1, 1);
    }

    private static void Accumulate(ref Tensor? state, Tensor batch, DisposeScope scope)
    {
        if (state is null) state = scope.Detach(batch.Clone());
        else if (state.Size(0) != batch.Size(0))
            throw new ArgumentException($"the predictions now have {batch.Size(0)} classes but earlier batches had {state.Size(0)}; reset the metric first", "yPred");
        else state.AddInPlace(batch);
    }

    /// <inheritdoc/>
    protected override double[] Compute()
    {
        if (_tp is null) return Average is null ? [] : [0.0];
        double[] tp = _tp.ToArray<double>(), fp = _fp!.ToArray<double>(), fn = _fn!.ToArray<double>(), support = _support!.ToArray<double>();
        if (Average == "micro") (tp, fp, fn) = ([tp.Sum()], [fp.Sum()], [fn.Sum()]);
        const double eps = Losses.Loss.Epsilon;
        var b2 = Beta * Beta;
        var scores = tp.Select((t, i) =>
        {
            var precision = t / (t + fp[i] + eps);
            var recall = t / (t + fn[i] + eps);
            return (1 + b2) * precision * recall / (b2 * precision + recall + eps);
        }).ToArray();
        return Average switch
        {
            null => scores,
            "weighted" => [scores.Select((s, i) => s * support[i] / (support.Sum() + eps)).Sum()],
            _ => [scores.Average()],
        };
    }

    /// <inheritdoc/>
    protected override void Reset()
    {
        _tp?.Dispose();
        _fp?.Dispose();
        _fn?.Dispose();
        _support?.Dispose();
        _tp = _fp = _fn = _support = null;
    }
}
