using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// Area under the ROC or precision–recall curve, approximated as <c>keras.metrics.AUC</c> does: weighted confusion
/// counts at <c>numThresholds</c> evenly spaced thresholds (−1e-7, 1/(n−1), …, 1 + 1e-7) accumulate over the batches, and
/// the area is a Riemann sum over them: mid-point ("interpolation", default), "minoring" or "majoring" heights for ROC;
/// for PR, interpolation is Davis &amp; Goadrich's (true and false positives vary linearly between thresholds, not the
/// precision). With <c>multiLabel</c> each output gets its own curve and the areas are averaged; otherwise every output
/// is pooled into one curve. <c>labelWeights</c> (one non-negative weight per output) weigh the label areas' average
/// with <c>multiLabel</c>, and each output's predictions in the pooled counts without it, as Keras's
/// <c>label_weights</c>.
/// </summary>
public sealed class AUC : Metric
{
    /// <inheritdoc/>
    public override bool HigherIsBetter => true;

    private readonly ConfusionState _state;
    private readonly double[] _thresholds;

    /// <summary>Creates the metric with Keras's defaults.</summary>
    /// <param name="numThresholds">Number of thresholds, &gt; 1 (Keras default 200); ignored when <paramref name="thresholds"/> is given.</param>
    /// <param name="curve">"ROC" or "PR".</param>
    /// <param name="summationMethod">"interpolation", "minoring" or "majoring".</param>
    /// <param name="thresholds">Explicit inner thresholds in [0, 1]; −1e-7 and 1 + 1e-7 are added.</param>
    /// <param name="multiLabel">One curve per output, areas averaged (otherwise outputs are pooled).</param>
    /// <param name="fromLogits">Predictions are logits: a sigmoid is applied first.</param>
    /// <param name="name">The logged name.</param>
    /// <param name="labelWeights">One non-negative weight per output: with <paramref name="multiLabel"/> the weights of
    /// the label areas' average, otherwise the weights of each output's predictions in the pooled counts.</param>
    public AUC(int numThresholds = 200, string curve = "ROC", string summationMethod = "interpolation",
        double[]? thresholds = null, bool multiLabel = false, bool fromLogits = false, string name = "auc",
        double[]? labelWeights = null) : base(name)
    {
        if (labelWeights is not null)
        {
            if (labelWeights.Length == 0) throw new ArgumentException("labelWeights must hold one weight per output; got none", nameof(labelWeights));
            for (var i = 0; i < labelWeights.Length; i++)
                if (!(labelWeights[i] >= 0) || double.IsInfinity(labelWeights[i]))
                    throw new ArgumentOutOfRangeException(nameof(labelWeights), labelWeights[i],
                        $"label weights must be finite and non-negative; labelWeights[{i}] is {labelWeights[i]}");
            LabelWeights = labelWeights.ToArray();
        }
        Curve = (curve ?? throw new ArgumentNullException(nameof(curve))).ToUpperInvariant() switch
        {
            "ROC" => "ROC",
            "PR" => "PR",
            _ => throw new ArgumentException($"curve must be \"ROC\" or \"PR\", got \"{curve}\"", nameof(curve)),
        };
        SummationMethod = (summationMethod ?? throw new ArgumentNullException(nameof(summationMethod))).ToLowerInvariant() switch
        {
            "interpolation" or "minoring" or "majoring" => summationMethod.ToLowerInvariant(),
            _ => throw new ArgumentException(
                $"summationMethod must be \"interpolation\", \"minoring\" or \"majoring\", got \"{summationMethod}\"", nameof(summationMethod)),
        };
        double[] inner;
        if (thresholds is not null)
        {
            inner = ConfusionState.CheckThresholds(thresholds, 0.5, nameof(thresholds)).Order().ToArray();
            NumThresholds = inner.Length + 2;
        }
        else
        {
            if (numThresholds <= 1)
                throw new ArgumentOutOfRangeException(nameof(numThresholds), numThresholds, "numThresholds must be an integer > 1");
            NumThresholds = numThresholds;
            inner = Enumerable.Range(0, numThresholds - 2).Select(i => (i + 1) * 1.0 / (numThresholds - 1)).ToArray();
        }
        // Keras's end points: every prediction in [0, 1] is above the first and at or below the last.
        _thresholds = [0.0 - Losses.Loss.Epsilon, .. inner, 1.0 + Losses.Loss.Epsilon];
        MultiLabel = multiLabel;
        FromLogits = fromLogits;
        // Keras passes label_weights to the confusion counts only without multi_label; with it they weigh the average.
        _state = new ConfusionState(_thresholds, perLabel: multiLabel, labelWeights: multiLabel ? null : LabelWeights?.ToArray());
    }

    /// <summary>The label weights, or null.</summary>
    public IReadOnlyList<double>? LabelWeights { get; }

    /// <summary>"ROC" or "PR".</summary>
    public string Curve { get; }

    /// <summary>"interpolation", "minoring" or "majoring".</summary>
    public string SummationMethod { get; }

    /// <summary>Number of thresholds, end points included.</summary>
    public int NumThresholds { get; }

    /// <summary>The thresholds, end points included.</summary>
    public IReadOnlyList<double> Thresholds => _thresholds;

    /// <summary>Whether each output has its own curve.</summary>
    public bool MultiLabel { get; }

    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    protected override void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(yPred);
        var outputs = yPred.Rank == 1 ? 1 : yPred.Size(-1);
        if (MultiLabel && LabelWeights is not null && LabelWeights.Count != outputs)
            throw new ArgumentException(
                $"{Name} has {LabelWeights.Count} label weight(s) but the predictions have {outputs} output(s) ({yPred.ShapeString})", nameof(yPred));
        if (!FromLogits)
        {
            _state.Update(yTrue, yPred, sampleWeight, Name);
            return;
        }
        using var noGrad = Autograd.NoGrad();
        using var probabilities = yPred.Sigmoid();
        _state.Update(yTrue, probabilities, sampleWeight, Name);
    }

    /// <inheritdoc/>
    protected override double[] Compute()
    {
        var (tp, fp, tn, fn) = _state.Read();
        var labels = tp[0].Length;
        var areas = new double[labels];
        for (var l = 0; l < labels; l++)
        {
            double[] Col(double[][] m) => m.Select(r => r[l]).ToArray();
            areas[l] = Area(Col(tp), Col(fp), Col(tn), Col(fn));
        }
        if (!MultiLabel || LabelWeights is null) return [areas.Average()];
        if (LabelWeights.Count != labels)
            throw new InvalidOperationException(
                $"metric '{Name}' has {LabelWeights.Count} label weight(s) but its predictions had {labels} output(s)");
        return [ConfusionState.DivideNoNan(areas.Select((a, l) => a * LabelWeights[l]).Sum(), LabelWeights.Sum())];
    }

    private double Area(double[] tp, double[] fp, double[] tn, double[] fn)
    {
        var n = tp.Length;
        if (Curve == "PR" && SummationMethod == "interpolation") return InterpolatedPrArea(tp, fp, fn);
        var recall = tp.Select((t, i) => ConfusionState.DivideNoNan(t, t + fn[i])).ToArray();
        double[] x, y;
        if (Curve == "ROC")
        {
            x = fp.Select((f, i) => ConfusionState.DivideNoNan(f, f + tn[i])).ToArray();
            y = recall;
        }
        else
        {
            x = recall;
            y = tp.Select((t, i) => ConfusionState.DivideNoNan(t, t + fp[i])).ToArray();
        }
        var area = 0.0;
        for (var i = 0; i < n - 1; i++)
        {
            var height = SummationMethod switch
            {
                "interpolation" => (y[i] + y[i + 1]) / 2,
                "minoring" => Math.Min(y[i], y[i + 1]),
                _ => Math.Max(y[i], y[i + 1]),
            };
            area += (x[i] - x[i + 1]) * height;
        }
        return area;
    }

    // Keras's interpolate_pr_auc: between thresholds A (lower) and B, TP and P = TP + FP vary linearly, so the area is
    // slope·(ΔTP + intercept·log(P_A / P_B)) / (TP_B + FN_B).
    private static double InterpolatedPrArea(double[] tp, double[] fp, double[] fn)
    {
        var area = 0.0;
        for (var i = 0; i < tp.Length - 1; i++)
        {
            double pA = tp[i] + fp[i], pB = tp[i + 1] + fp[i + 1];
            var dtp = tp[i] - tp[i + 1];
            var dp = pA - pB;
            var slope = ConfusionState.DivideNoNan(dtp, Math.Max(dp, 0));
            var intercept = tp[i + 1] - slope * pB;
            var ratio = pA > 0 && pB > 0 ? ConfusionState.DivideNoNan(pA, Math.Max(pB, 0)) : 1.0;
            area += ConfusionState.DivideNoNan(slope * (dtp + intercept * Math.Log(ratio)), Math.Max(tp[i + 1] + fn[i + 1], 0));
        }
        return area;
    }

    /// <inheritdoc/>
    protected override void Reset() => _state.Dispose();
}
