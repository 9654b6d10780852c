using System.Globalization;
using Degenerate.Tensors;

namespace Degenerate.Regularizers;

/// <summary>l2 · Σw² (Keras default l2 = 0.01; note: no factor ½). With MSE this is ridge regression.</summary>
public sealed class L2 : Regularizer
{
    /// <summary>Creates the penalty.</summary>
    public L2(double l2 = 0.01)
    {
        if (l2 < 0 || !double.IsFinite(l2)) throw new ArgumentOutOfRangeException(nameof(l2), l2, "must be a finite value >= 0");
        Factor = l2;
    }

    /// <summary>The factor.</summary>
    public double Factor { get; }

    /// <inheritdoc/>
    public override Tensor Penalty(Tensor weight)
    {
        using var sq = weight.Square();
        using var sum = sq.Sum();
        return sum * Factor;
    }

    /// <inheritdoc/>
    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"l2({Factor:R})");
}
