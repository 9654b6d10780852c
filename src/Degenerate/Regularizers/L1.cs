using System.Globalization;
using Degenerate.Tensors;

namespace Degenerate.Regularizers;

/// <summary>l1 · Σ|w| (Keras default l1 = 0.01).</summary>
public sealed class L1 : Regularizer
{
    /// <summary>Creates the penalty.</summary>
    public L1(double l1 = 0.01)
    {
        if (l1 < 0 || !double.IsFinite(l1)) throw new ArgumentOutOfRangeException(nameof(l1), l1, "must be a finite value >= 0");
        Factor = l1;
    }

    /// <summary>The factor.</summary>
    public double Factor { get; }

    /// <inheritdoc/>
    public override Tensor Penalty(Tensor weight)
    {
        using var abs = weight.Abs();
        using var sum = abs.Sum();
        return sum * Factor;
    }

    /// <inheritdoc/>
    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"l1({Factor:R})");
}
