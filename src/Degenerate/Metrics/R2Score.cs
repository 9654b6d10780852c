using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// Coefficient of determination 1 − SS_res / SS_tot per output column, over every batch since the reset, as
/// <c>keras.metrics.R2Score</c>: "uniform_average" (default) averages the columns, "variance_weighted_average" weighs
/// them by SS_tot, null gives one value per column. With <c>numRegressors</c> p &gt; 0 the adjusted R²
/// 1 − (1 − R²)(n − 1)/(n − p − 1) is given (n: samples with a non-zero weight), falling back to R² when n − p − 1 ≤ 0.
/// A column whose targets do not vary scores 0, as in Keras.
/// </summary>
public sealed class R2Score : Metric
{
    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    private Tensor? _sum, _squaredSum, _residual, _count, _samples;

    /// <summary>Creates the metric.</summary>
    public R2Score(string? classAggregation = "uniform_average", int numRegressors = 0, string name = "r2_score") : base(name)
    {
        if (classAggregation is not (null or "uniform_average" or "variance_weighted_average"))
            throw new ArgumentException(
                $"classAggregation must be null, \"uniform_average\" or \"variance_weighted_average\", got \"{classAggregation}\"",
                nameof(classAggregation));
        if (numRegressors < 0) throw new ArgumentOutOfRangeException(nameof(numRegressors), numRegressors, "numRegressors must be >= 0");
        ClassAggregation = classAggregation;
        NumRegressors = numRegressors;
    }

    /// <summary>How column scores combine: null, "uniform_average" or "variance_weighted_average".</summary>
    public string? ClassAggregation { get; }

    /// <summary>Number of regressors for the adjusted R² (0: plain R²).</summary>
    public int NumRegressors { get; }

    /// <inheritdoc/>
    protected override void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var y0 = yTrue.Rank == 1 ? yTrue.Reshape(-1, 1) : yTrue;
        var p0 = yPred.Rank == 1 ? yPred.Reshape(-1, 1) : yPred;
        using var views = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        MetricChecks.Matrix(p0, Name);
        MetricChecks.SameShape(y0, p0, Name);
        var y = y0.To(DType.Float64);
        var p = p0.To(DType.Float64);
        Tensor w;
        if (sampleWeight is null) w = Tensor.Ones(y.Shape, DType.Float64, y.Device);
        else
        {
            MetricChecks.SampleWeight(sampleWeight, y.Size(0));
            w = sampleWeight.To(DType.Float64).Reshape(-1, 1).Expand(y.Shape);
        }
        var weighted = y * w;
        Accumulate(ref _sum, weighted.Sum(0), views);
        Accumulate(ref _squaredSum, (y * weighted).Sum(0), views);
        Accumulate(ref _residual, ((y - p).Square() * w).Sum(0), views);
        Accumulate(ref _count, w.Sum(0), views);
        // Samples with any non-zero weight, for the adjusted R².
        var nonZero = (1 - w.Eq(0.0).To(DType.Float64)).Max(-1);
        Accumulate(ref _samples, nonZero.Sum(), views);
    }

    private static void Accumulate(ref Tensor? state, Tensor batch, DisposeScope scope)
    {
        if (state is null) state = scope.Detach(batch.Clone());
        else if (!state.Shape.SequenceEqual(batch.Shape))
            throw new ArgumentException("the targets changed width since the last reset; reset the metric first", "yTrue");
        else state.AddInPlace(batch);
    }

    /// <inheritdoc/>
    protected override double[] Compute()
    {
        if (_sum is null) return [0.0];
        double[] sum = _sum.ToArray<double>(), sq = _squaredSum!.ToArray<double>(), res = _residual!.ToArray<double>(), count = _count!.ToArray<double>();
        var total = sum.Select((s, i) => sq[i] - s * (s / count[i])).ToArray();
        var raw = res.Select((r, i) => 1 - r / total[i]).Select(v => double.IsInfinity(v) ? 0 : v).ToArray();
        double[] r2 = ClassAggregation switch
        {
            null => raw,
            "uniform_average" => [raw.Average()],
            _ => [raw.Select((v, i) => v * total[i]).Sum() / total.Sum()],
        };
        // Keras adjusts each value, and falls back to the plain R² when n − 1 ≤ p.
        var n = _samples!.Item();
        if (NumRegressors != 0 && NumRegressors < n - 1)
            r2 = r2.Select(v => 1 - (1 - v) * (n - 1) / (n - NumRegressors - 1)).ToArray();
        return r2;
    }

    /// <inheritdoc/>
    protected override void Reset()
    {
        foreach (var t in new[] { _sum, _squaredSum, _residual, _count, _samples }) t?.Dispose();
        _sum = _squaredSum = _residual = _count = _samples = null;
    }
}
