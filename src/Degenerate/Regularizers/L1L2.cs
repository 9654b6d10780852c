using System.Globalization;
using Degenerate.Tensors;

namespace Degenerate.Regularizers;

/// <summary>l1 · Σ|w| + l2 · Σw² (elastic net penalty).</summary>
public sealed class L1L2 : Regularizer
{
    /// <summary>Creates the penalty (Keras defaults 0, 0).</summary>
    public L1L2(double l1 = 0.0, double l2 = 0.0)
    {
        L1 = new L1(l1);
        L2 = new L2(l2);
    }

    /// <summary>The L1 part.</summary>
    public L1 L1 { get; }

    /// <summary>The L2 part.</summary>
    public L2 L2 { get; }

    /// <inheritdoc/>
    public override Tensor Penalty(Tensor weight)
    {
        using var a = L1.Penalty(weight);
        using var b = L2.Penalty(weight);
        return a + b;
    }

    /// <inheritdoc/>
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"l1_l2({L1.Factor:R},{L2.Factor:R})");
}
