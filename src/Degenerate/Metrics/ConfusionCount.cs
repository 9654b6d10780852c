using Degenerate.Tensors;

namespace Degenerate.Metrics;

/// <summary>
/// A weighted count of one cell of the confusion matrix at one or more thresholds, as Keras's <c>TruePositives</c>,
/// <c>FalsePositives</c>, <c>TrueNegatives</c> and <c>FalseNegatives</c> (prediction positive when above the threshold,
/// 0.5 by default; target positive when not 0).
/// </summary>
public sealed class ConfusionCount : Metric
{
    /// <summary>The confusion-matrix cell counted.</summary>
    public enum Cell
    {
        /// <summary>Positive target, prediction above the threshold.</summary>
        TruePositives,
        /// <summary>Negative target, prediction above the threshold.</summary>
        FalsePositives,
        /// <summary>Negative target, prediction at or below the threshold.</summary>
        TrueNegatives,
        /// <summary>Positive target, prediction at or below the threshold.</summary>
        FalseNegatives,
    }

    private readonly ConfusionState _state;

    /// <summary>Counts <paramref name="cell"/> at <paramref name="thresholds"/> (0.5 when none are given).</summary>
    public ConfusionCount(Cell cell, double[]? thresholds = null, string? name = null)
        : base(name ?? cell switch
        {
            Cell.TruePositives => "true_positives",
            Cell.FalsePositives => "false_positives",
            Cell.TrueNegatives => "true_negatives",
            _ => "false_negatives",
        })
    {
        CellCounted = cell;
        Thresholds = ConfusionState.CheckThresholds(thresholds, 0.5, nameof(thresholds));
        _state = new ConfusionState([.. Thresholds]);
    }

    /// <summary>The cell counted.</summary>
    public Cell CellCounted { get; }

    /// <inheritdoc/>
    public override bool HigherIsBetter => CellCounted is Cell.TruePositives or Cell.TrueNegatives;

    /// <summary>The thresholds, one count each.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <inheritdoc/>
    protected override void Update(Tensor yTrue, Tensor yPred, Tensor? sampleWeight) =>
        _state.Update(yTrue, yPred, sampleWeight, Name);

    /// <inheritdoc/>
    protected override double[] Compute()
    {
        var (tp, fp, tn, fn) = _state.Read();
        var cell = CellCounted switch
        {
            Cell.TruePositives => tp,
            Cell.FalsePositives => fp,
            Cell.TrueNegatives => tn,
            _ => fn,
        };
        return cell.Select(r => r[0]).ToArray();
    }

    /// <inheritdoc/>
    protected override void Reset() => _state.Dispose();
}
