using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// Area under the ROC or precision–recall curve, approximated as <c>keras.metrics.AUC</c> does: weighted confusion
/// counts at <c>numThresholds</c> evenly spaced thresholds (−1e-7, 1/(n−1), …, 1 + 1e-7) accumulate over the batches, and
/// the area is a Riemann sum over them: mid-point ("interpolation", default), "minoring" or "majoring" heights for ROC;
/// for PR, interpolation is Davis &amp; Goadrich's (true and false positives vary linearly between thresholds, not the
/// precision). With <c>multiLabel</c> each output gets its own curve and the areas are averaged; otherwise every output
/// is pooled into one curve.
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
    public AUC(int numThresholds = 200, string curve = "ROC", string summationMethod = "interpolation",
        double[]? thresholds = null, bool multiLabel = false, bool fromLogits = false, string name = "auc") : base(name)
    {
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
        _state = new ConfusionState(_thresholds, perLabel: multiLabel);
    }

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
        return [areas.Average()];
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
