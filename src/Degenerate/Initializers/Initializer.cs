using Degenerate.Tensors;

namespace Degenerate.Initializers;

/// <summary>
/// Draws a layer's initial weights, as in <c>keras.initializers</c>. Random initializers use libtorch's generator,
/// so <see cref="Degenerate.Random.Seed"/> makes them reproducible. A Keras name works wherever an initializer is expected.
/// </summary>
public abstract class Initializer
{
    /// <summary>The Keras name ("glorot_uniform", "zeros", ...).</summary>
    public abstract string Name { get; }

    /// <summary>Creates a new tensor of the given shape. For a kernel, shape is [fan_in, fan_out].</summary>
    public abstract Tensor Create(long[] shape, DType dtype, Device device);

    /// <summary>Looks an initializer up by its Keras name.</summary>
    public static Initializer Get(string name) => name.Trim().ToLowerInvariant() switch
    {
        "glorot_uniform" => new GlorotUniform(),
        "glorot_normal" => new GlorotNormal(),
        "he_uniform" => new HeUniform(),
        "zeros" => new Zeros(),
        "ones" => new Constant(1.0),
        "random_normal" => new RandomNormal(),
        "random_uniform" => new RandomUniform(),
        _ => throw new ArgumentException(
            $"unknown initializer '{name}'; expected glorot_uniform, glorot_normal, he_uniform, zeros, ones, random_normal or random_uniform",
            nameof(name)),
    };

    /// <summary>Lets a Keras name stand wherever an initializer is expected.</summary>
    public static implicit operator Initializer(string name) => Get(name);

    /// <summary>(fan_in, fan_out) of a weight shape, as Keras computes them.</summary>
    protected static (double FanIn, double FanOut) Fans(long[] shape) => shape.Length switch
    {
        0 => (1, 1),
        1 => (shape[0], shape[0]),
        _ => (shape[^2], shape[^1]),
    };
}
