using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// Intersection over union, as <c>keras.metrics.IoU</c>: a weighted confusion matrix of class ids (rows the targets,
/// columns the predictions) accumulates over the batches; each target class's IoU is tp / (tp + fp + fn), and the
/// result is their mean over the target classes that occur (a class with no target or prediction counts as absent).
/// Class ids are integers (truncated, as Keras casts them); with <c>sparseYTrue</c>/<c>sparseYPred</c> false the
/// targets/predictions are rows of scores and their argmax is the class. Ids outside [0, numClasses) and targets equal
/// to <c>ignoreClass</c> are left out. Keras's ε = 1e-7 is added to each denominator, as in Keras.
/// </summary>
public class IoU : Metric
{
    private const double Epsilon = 1e-7;
    private readonly int[] _targets;
    private Tensor? _cm; // [classes, classes], float64, on the device of the last batch

    /// <summary>Creates the metric.</summary>
    /// <param name="numClasses">Number of classes, &gt; 0.</param>
    /// <param name="targetClassIds">The classes whose IoUs are averaged, each in [0, numClasses).</param>
    /// <param name="name">The logged name (Keras's default for IoU is "io_u").</param>
    /// <param name="ignoreClass">A target class left out (e.g. a "void" class), or null.</param>
    /// <param name="sparseYTrue">Targets are class ids (false: rows of scores, argmax taken).</param>
    /// <param name="sparseYPred">Predictions are class ids (false: rows of scores, argmax taken).</param>
    public IoU(int numClasses, IReadOnlyList<int> targetClassIds, string name = "io_u", int? ignoreClass = null,
        bool sparseYTrue = true, bool sparseYPred = true) : base(name)
    {
        if (numClasses <= 0) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "numClasses must be > 0");
        ArgumentNullException.ThrowIfNull(targetClassIds);
        if (targetClassIds.Count == 0) throw new ArgumentException("targetClassIds must name at least one class", nameof(targetClassIds));
        foreach (var id in targetClassIds)
            if (id < 0 || id >= numClasses)
                throw new ArgumentOutOfRangeException(nameof(targetClassIds), id,
                    $"target class id {id} is out of range: expected ids in [0, {numClasses})");
        NumClasses = numClasses;
        _targets = targetClassIds.ToArray();
        IgnoreClass = ignoreClass;
        SparseYTrue = sparseYTrue;
        SparseYPred = sparseYPred;
    }

    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>The classes whose IoUs are averaged.</summary>
    public IReadOnlyList<int> TargetClassIds => _targets;

    /// <summary>The target class left out, or null.</summary>
    public int? IgnoreClass { get; }

    /// <summary>Whether targets are class ids.</summary>
    public bool SparseYTrue { get; }

    /// <summary>Whether predictions are class ids.</summary>
    public bool SparseYPred { get; }

    /// <summary>The predicted class ids (Keras's BinaryIoU thresholds scores here).</summary>
    private protected virtual Tensor PredictedIds(Tensor yPred) => SparseYPred ? yPred : yPred.ArgMax(-1);

    /// <inheritdoc/>
    protected override void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        using var noGrad = Autograd.NoGrad();
        using var scope = new DisposeScope();
        var t = (SparseYTrue ? yTrue : yTrue.ArgMax(-1)).To(DType.Float64);
        var p = PredictedIds(yPred).To(DType.Float64);
        if (t.NumElements != p.NumElements)
            throw new ArgumentException(
                $"{Name}: yTrue gives {t.NumElements} class id(s) ({yTrue.ShapeString}) but yPred gives {p.NumElements} ({yPred.ShapeString})",
                nameof(yPred));
        var rows = yTrue.Rank == 0 ? 1 : yTrue.Size(0);
        // A sample's weight applies to each of its ids (Keras broadcasts it to y_true).
        var w = Tensor.Ones([t.NumElements], DType.Float64, t.Device);
        if (sampleWeight is not null)
        {
            MetricChecks.SampleWeight(sampleWeight, rows);
            w = sampleWeight.To(DType.Float64).Reshape(-1, 1).Expand(rows, t.NumElements / Math.Max(1, rows)).Reshape(-1);
        }
        // Keras casts the ids to integers: truncation toward zero.
        t = t.Reshape(-1).To(DType.Int64).To(DType.Float64);
        p = p.Reshape(-1).To(DType.Int64).To(DType.Float64);
        var inRange = t.Ge(0).LogicalAnd(t.Lt(NumClasses)).LogicalAnd(p.Ge(0)).LogicalAnd(p.Lt(NumClasses));
        if (IgnoreClass is { } ignored) inRange = inRange.LogicalAnd(t.Ne(Tensor.Full([1], ignored, DType.Float64, t.Device)));
        var zero = Tensor.Zeros([1], DType.Float64, t.Device);
        var trueIds = Tensor.Where(inRange, t, zero).To(DType.Int64);
        var predIds = Tensor.Where(inRange, p, zero).To(DType.Int64);
        w = Tensor.Where(inRange, w, zero);
        var cm = trueIds.OneHot(NumClasses).To(DType.Float64).T().MatMul(predIds.OneHot(NumClasses).To(DType.Float64) * w.Unsqueeze(1));
        if (_cm is null || _cm.Device != cm.Device) { _cm?.Dispose(); _cm = scope.Detach(cm.Clone()); }
        else _cm.AddInPlace(cm);
    }

    /// <inheritdoc/>
    protected override double[] Compute()
    {
        var c = NumClasses;
        var cm = _cm?.ToArray<double>() ?? new double[c * c];
        double sum = 0, valid = 0;
        foreach (var k in _targets)
        {
            double predicted = 0, actual = 0;
            for (var i = 0; i < c; i++)
            {
                predicted += cm[i * c + k]; // column k: predicted k
                actual += cm[k * c + i];    // row k: target k
            }
            var tp = cm[k * c + k];
            var denominator = predicted + actual - tp;
            if (denominator > 1e-9)
            {
                valid++;
                sum += tp / (denominator + Epsilon);
            }
        }
        return [sum / (valid + Epsilon)];
    }

    /// <inheritdoc/>
    protected override void Reset()
    {
        _cm?.Dispose();
        _cm = null;
    }
}
