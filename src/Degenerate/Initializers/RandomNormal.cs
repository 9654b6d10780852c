using Degenerate.Tensors;

namespace Degenerate.Initializers;

/// <summary>Normal(mean, stddev); Keras defaults mean 0, stddev 0.05.</summary>
public sealed class RandomNormal : Initializer
{
    /// <summary>Creates the initializer.</summary>
    public RandomNormal(double mean = 0.0, double stddev = 0.05)
    {
        if (!double.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "mean must be a finite number");
        if (!(stddev >= 0) || double.IsInfinity(stddev))
            throw new ArgumentOutOfRangeException(nameof(stddev), stddev, "stddev must be a finite number >= 0");
        Mean = mean;
        StdDev = stddev;
    }

    /// <summary>Mean.</summary>
    public double Mean { get; }

    /// <summary>Standard deviation.</summary>
    public double StdDev { get; }

    /// <inheritdoc/>
    public override string Name => "random_normal";

    /// <inheritdoc/>
    public override Tensor Create(long[] shape, DType dtype, Device device) => Tensor.RandNormal(shape, Mean, StdDev, dtype, device);
}
