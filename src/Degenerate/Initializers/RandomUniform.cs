using Degenerate.Tensors;

namespace Degenerate.Initializers;

/// <summary>Uniform in [minval, maxval); Keras defaults -0.05, 0.05.</summary>
public sealed class RandomUniform : Initializer
{
    /// <summary>Creates the initializer.</summary>
    public RandomUniform(double minval = -0.05, double maxval = 0.05)
    {
        if (!double.IsFinite(minval)) throw new ArgumentOutOfRangeException(nameof(minval), minval, "minval must be a finite number");
        if (!double.IsFinite(maxval) || maxval < minval)
            throw new ArgumentOutOfRangeException(nameof(maxval), maxval, $"maxval must be a finite number >= minval ({minval})");
        MinVal = minval;
        MaxVal = maxval;
    }

    /// <summary>Lower bound.</summary>
    public double MinVal { get; }

    /// <summary>Upper bound.</summary>
    public double MaxVal { get; }

    /// <inheritdoc/>
    public override string Name => "random_uniform";

    /// <inheritdoc/>
    public override Tensor Create(long[] shape, DType dtype, Device device) => Tensor.RandUniform(shape, MinVal, MaxVal, dtype, device);
}
