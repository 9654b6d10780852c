using System.Globalization;

namespace Degenerate.Optimizers.Schedules;

/// <summary>
/// Keras's PiecewiseConstantDecay: values[0] while step ≤ boundaries[0], values[i] while
/// boundaries[i−1] &lt; step ≤ boundaries[i], and values[^1] after the last boundary.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly double[] _boundaries;
    private readonly double[] _values;

    /// <summary>Creates the schedule; there must be one value more than boundaries, and the boundaries must increase.</summary>
    public PiecewiseConstantDecay(IReadOnlyList<double> boundaries, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (boundaries.Count != values.Count - 1)
            throw new ArgumentException(
                $"values must have one more element than boundaries; got {boundaries.Count} boundaries and {values.Count} values",
                nameof(values));
        for (var i = 0; i < boundaries.Count; i++)
        {
            if (!double.IsFinite(boundaries[i]) || (i > 0 && !(boundaries[i] > boundaries[i - 1])))
                throw new ArgumentException(
                    "boundaries must be finite and strictly increasing; got [" +
                    string.Join(", ", boundaries.Select(b => b.ToString(CultureInfo.InvariantCulture))) + "]", nameof(boundaries));
        }
        for (var i = 0; i < values.Count; i++) CheckRate(values[i], $"{nameof(values)}[{i}]");
        _boundaries = boundaries.ToArray();
        _values = values.ToArray();
    }

    /// <summary>The steps at which the rate changes.</summary>
    public IReadOnlyList<double> Boundaries => _boundaries;

    /// <summary>The rates before, between and after the boundaries.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <inheritdoc/>
    public override string Name => "PiecewiseConstantDecay";

    /// <inheritdoc/>
    public override double Evaluate(long step)
    {
        for (var i = 0; i < _boundaries.Length; i++)
            if (step <= _boundaries[i]) return _values[i];
        return _values[^1];
    }
}
