using System.Globalization;
using System.Text.Json.Nodes;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// Adds zero-centred Gaussian noise of standard deviation <see cref="Stddev"/> during training and passes inputs through
/// unchanged at inference (Evaluate, Predict), as <c>keras.layers.GaussianNoise</c>: a regularizer against overfitting
/// to exact input values. The noise comes from libtorch's generator, so <see cref="Random.Seed"/> makes it reproducible.
/// It has no weights.
/// </summary>
public sealed class GaussianNoise : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="stddev">Standard deviation of the noise (≥ 0; 0 adds none).</param>
    /// <param name="name">Layer name; default "gaussian_noise", "gaussian_noise_1", ...</param>
    public GaussianNoise(double stddev, string? name = null) : base(name)
    {
        if (!(stddev >= 0) || double.IsInfinity(stddev))
            throw new ArgumentOutOfRangeException(nameof(stddev), stddev, "stddev must be a finite number ≥ 0");
        Stddev = stddev;
    }

    /// <summary>Standard deviation of the noise added during training.</summary>
    public double Stddev { get; }

    /// <inheritdoc/>
    public override string BaseName => "gaussian_noise";

    /// <inheritdoc/>
    public override long OutputDim(long inputDim) => inputDim;

    internal override IReadOnlyList<(string Name, long[] Shape)> PlannedWeights(long inputDim) => [];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!training || Stddev == 0) return x.Alias();
        using var noise = Tensor.RandNormal(x.Shape, 0, Stddev, x.DType, x.Device);
        return x + noise;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["class_name"] = "GaussianNoise",
        ["name"] = Name,
        ["trainable"] = Trainable,
        ["stddev"] = Stddev,
    };

    internal static new GaussianNoise FromConfig(JsonObject c) =>
        new(Convert.ToDouble((double?)c["stddev"] ?? throw new FormatException("GaussianNoise config has no stddev"), CultureInfo.InvariantCulture),
            (string?)c["name"]);
}
