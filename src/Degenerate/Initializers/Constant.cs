using Degenerate.Tensors;

namespace Degenerate.Initializers;

/// <summary>Every weight set to one value (e.g. the article's 0.2 start of the smallest neural network).</summary>
public sealed class Constant : Initializer
{
    /// <summary>Creates the initializer.</summary>
    public Constant(double value) =>
        Value = double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "value must be a finite number");

    /// <summary>The value.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public override string Name => "constant";

    /// <inheritdoc/>
    public override Tensor Create(long[] shape, DType dtype, Device device) => Tensor.Full(shape, Value, dtype, device);
}
