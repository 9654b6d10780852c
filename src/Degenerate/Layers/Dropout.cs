using System.Globalization;
using System.Text.Json.Nodes;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// Randomly zeroes a fraction <see cref="Rate"/> of its inputs during training (scaling the rest by 1/(1 − rate)),
/// and passes inputs through unchanged at inference, as <c>keras.layers.Dropout</c>.
/// </summary>
public sealed class Dropout : Layer
{
    /// <summary>Creates the layer.</summary>
    public Dropout(double rate, string? name = null) : base(name)
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "rate must be in [0, 1)");
        Rate = rate;
    }

    /// <summary>Fraction of inputs dropped during training.</summary>
    public double Rate { get; }

    /// <inheritdoc/>
    public override string BaseName => "dropout";

    /// <inheritdoc/>
    public override long OutputDim(long inputDim) => inputDim;

    internal override IReadOnlyList<(string Name, long[] Shape)> PlannedWeights(long inputDim) => [];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training = false) =>
        training && Rate > 0 ? x.Dropout(Rate, true) : x.Alias();

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["class_name"] = "Dropout",
        ["name"] = Name,
        ["trainable"] = Trainable,
        ["rate"] = Rate,
    };

    internal static new Dropout FromConfig(JsonObject c) =>
        new(Convert.ToDouble((double?)c["rate"] ?? 0, CultureInfo.InvariantCulture), (string?)c["name"]);
}
