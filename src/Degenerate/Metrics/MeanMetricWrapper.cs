using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// A metric that is the (weighted) mean of a per-sample value, as Keras's <c>MeanMetricWrapper</c>: each batch adds
/// Σ wᵢ·vᵢ to a total and Σ wᵢ (the row count when unweighted) to a count; the result is total / count (0 before any
/// sample, as Keras's divide_no_nan).
/// </summary>
public abstract class MeanMetricWrapper : Metric
{
    private Tensor? _total;   // float64 scalars on the predictions' device
    private Tensor? _count;   // only when weighted: Σw lives on the device
    private double _rows;     // unweighted samples, known on the host

    /// <summary>Creates the metric logged under <paramref name="name"/>.</summary>
    protected MeanMetricWrapper(string name) : base(name) { }

    /// <summary>Per-sample values, shape [batch], from targets and predictions (probabilities, not logits).</summary>
    public abstract Tensor PerSample(Tensor yTrue, Tensor yPred);

    /// <inheritdoc/>
    protected override void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        using var noGrad = Autograd.NoGrad();
        using var scope = new DisposeScope();
        var values = PerSample(yTrue, yPred).To(DType.Float64);
        _total ??= scope.Detach(Tensor.Zeros([], DType.Float64, yPred.Device));
        if (sampleWeight is null)
        {
            _total.AddInPlace(values.Sum());
            _rows += values.NumElements;
            return;
        }
        MetricChecks.SampleWeight(sampleWeight, values.NumElements);
        var w = sampleWeight.To(DType.Float64).Reshape(-1);
        _total.AddInPlace((values * w).Sum());
        _count ??= scope.Detach(Tensor.Zeros([], DType.Float64, yPred.Device));
        _count.AddInPlace(w.Sum());
    }

    /// <inheritdoc/>
    protected override double[] Compute()
    {
        if (_total is null) return [0.0];
        var count = _rows + (_count?.Item() ?? 0);
        return [count == 0 ? 0.0 : _total.Item() / count];
    }

    /// <inheritdoc/>
    protected override void Reset()
    {
        _total?.Dispose();
        _count?.Dispose();
        _total = _count = null;
        _rows = 0;
    }
}
