using Degenerate.Tensors;

namespace Degenerate.Metrics;

// Weighted true/false positive/negative counts at a list of thresholds, kept on the device as Keras's
// update_confusion_matrix_variables keeps them: a prediction p is positive at threshold t when p > t; a target is
// positive when it is not 0; a sample's weight applies to each of its outputs. Counts are [thresholds, labels], with one
// label column when the outputs are pooled (Keras's default) or one per output (multi_label). With top_k, only each
// row's k highest predictions can be positive (the others become NEG_INF first, as Keras's _filter_top_k); label weights
// scale each output column's counts before pooling (AUC's label_weights without multi_label).
internal sealed class ConfusionState : IDisposable
{
    /// <summary>Keras's metrics_utils.NEG_INF: the value given to predictions outside the top k, and top_k's default threshold.</summary>
    public const double NegInf = -1e10;

    private readonly double[] _thresholds;
    private readonly bool _perLabel;
    private readonly int? _classId;
    private readonly int? _topK;
    private readonly double[]? _labelWeights;
    private Tensor? _tp, _fp, _tn, _fn;
    private Tensor? _thresholdTensor; // [T, 1, 1] on the device of the last batch, kept so a batch copies nothing up

    public ConfusionState(double[] thresholds, bool perLabel = false, int? classId = null, int? topK = null, double[]? labelWeights = null)
    {
        _thresholds = thresholds;
        _perLabel = perLabel;
        _classId = classId;
        _topK = topK;
        _labelWeights = labelWeights;
    }

    public int Thresholds => _thresholds.Length;

    public void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight, string metric)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        using var noGrad = Autograd.NoGrad();
        using var scope = new DisposeScope();
        var p = yPred.Rank == 1 ? yPred.Reshape(-1, 1) : yPred;
        var y = yTrue.Rank == 1 ? yTrue.Reshape(-1, 1) : yTrue;
        MetricChecks.SameShape(y, p, metric);
        if (p.Rank != 2) throw new ArgumentException($"{metric} expects [batch, outputs] predictions, got {yPred.ShapeString}", nameof(yPred));
        if (_topK is { } k)
        {
            // A rank-1 batch is one output per row here, whereas Keras would take it as one row of classes: refuse it
            // rather than count something else.
            if (yPred.Rank != 2)
                throw new ArgumentException(
                    $"{metric} with topK {k} expects [batch, classes] predictions, got {yPred.ShapeString}", nameof(yPred));
            p = TopKFilter.Apply(p.To(DType.Float64), k);
        }
        if (_classId is { } c)
        {
            if (c >= p.Size(1))
                throw new ArgumentException($"{metric}: classId {c} is outside the {p.Size(1)} output(s)", nameof(yPred));
            p = p.Slice(1, c, c + 1);
            y = y.Slice(1, c, c + 1);
        }
        p = p.To(DType.Float64);
        var rows = p.Size(0);
        var positive = 1 - y.Eq(0.0).To(DType.Float64);                       // [N, L]
        var negative = 1 - positive;
        if (sampleWeight is not null)
        {
            MetricChecks.SampleWeight(sampleWeight, rows);
            var w = sampleWeight.To(DType.Float64).Reshape(-1, 1);
            positive = positive * w;
            negative = negative * w;
        }
        if (_labelWeights is { } lw)
        {
            if (lw.Length != p.Size(1))
                throw new ArgumentException(
                    $"{metric} has {lw.Length} label weight(s) but the predictions have {p.Size(1)} output(s) ({yPred.ShapeString})", nameof(yPred));
            using var weights = Tensor.FromArray(lw, [1, lw.Length], p.Device);
            positive = positive * weights;
            negative = negative * weights;
        }
        if (_thresholdTensor is null || _thresholdTensor.Device != p.Device)
        {
            _thresholdTensor?.Dispose();
            _thresholdTensor = scope.Detach(Tensor.FromArray(_thresholds, [_thresholds.Length, 1, 1], p.Device));
        }
        var above = p.Unsqueeze(0).Gt(_thresholdTensor).To(DType.Float64);  // [T, N, L]
        var tp = (above * positive.Unsqueeze(0)).Sum(1);                    // [T, L]
        var fp = (above * negative.Unsqueeze(0)).Sum(1);
        var allPositive = positive.Sum(0, keepDim: true);                   // [1, L]
        var allNegative = negative.Sum(0, keepDim: true);
        var fn = allPositive - tp;
        var tn = allNegative - fp;
        if (!_perLabel)
        {
            tp = tp.Sum(1, keepDim: true);
            fp = fp.Sum(1, keepDim: true);
            fn = fn.Sum(1, keepDim: true);
            tn = tn.Sum(1, keepDim: true);
        }
        Accumulate(ref _tp, tp, scope);
        Accumulate(ref _fp, fp, scope);
        Accumulate(ref _fn, fn, scope);
        Accumulate(ref _tn, tn, scope);
    }

    private static void Accumulate(ref Tensor? state, Tensor batch, DisposeScope scope)
    {
        if (state is null) state = scope.Detach(batch.Clone());
        else if (!state.Shape.SequenceEqual(batch.Shape))
            throw new ArgumentException(
                $"the predictions now have {batch.Size(1)} output(s) but earlier batches had {state.Size(1)}; reset the metric first",
                "yPred");
        else state.AddInPlace(batch);
    }

    // Host copies [threshold][label]; zeros before any batch.
    public (double[][] Tp, double[][] Fp, double[][] Tn, double[][] Fn) Read()
    {
        double[][] Rows(Tensor? t)
        {
            if (t is null) return Enumerable.Range(0, _thresholds.Length).Select(_ => new double[1]).ToArray();
            var labels = (int)t.Size(1);
            var flat = t.ToArray<double>();
            return Enumerable.Range(0, _thresholds.Length).Select(i => flat.AsSpan(i * labels, labels).ToArray()).ToArray();
        }
        return (Rows(_tp), Rows(_fp), Rows(_tn), Rows(_fn));
    }

    public void Dispose()
    {
        _tp?.Dispose();
        _fp?.Dispose();
        _tn?.Dispose();
        _fn?.Dispose();
        _thresholdTensor?.Dispose();
        _tp = _fp = _tn = _fn = _thresholdTensor = null;
    }

    public static double DivideNoNan(double a, double b) => b == 0 ? 0 : a / b;

    // Keras's parse_init_thresholds: each threshold in [0, 1].
    public static double[] CheckThresholds(double[]? thresholds, double fallback, string argument)
    {
        var list = thresholds is null || thresholds.Length == 0 ? [fallback] : thresholds.ToArray();
        foreach (var t in list)
            if (!(t >= 0 && t <= 1))
                throw new ArgumentOutOfRangeException(argument, t, $"every threshold must be in [0, 1]; got {t}");
        return list;
    }
}
