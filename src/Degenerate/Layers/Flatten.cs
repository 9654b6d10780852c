using System.Text.Json.Nodes;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// Flattens each sample to one dimension, as <c>keras.layers.Flatten</c>: [batch, d1, d2, ...] becomes
/// [batch, d1·d2·...]. Degenerate's models take [batch, features] arrays, so inside a model the layer passes its input
/// through unchanged (Keras's Flatten of shape (None, n) is (None, n) too); called on its own it flattens a tensor of
/// any rank. It has no weights.
/// </summary>
public sealed class Flatten : Layer
{
    /// <summary>Creates the layer.</summary>
    public Flatten(string? name = null) : base(name) { }

    /// <inheritdoc/>
    public override string BaseName => "flatten";

    /// <inheritdoc/>
    public override long OutputDim(long inputDim) => inputDim;

    internal override IReadOnlyList<(string Name, long[] Shape)> PlannedWeights(long inputDim) => [];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var shape = x.Shape;
        if (shape.Length == 0)
            throw new ArgumentException($"Flatten '{Name ?? BaseName}' needs a batch dimension; got a scalar", nameof(x));
        // Keras flattens a [batch] vector to [batch, 1].
        if (shape.Length == 2) return x.Alias();
        var features = 1L;
        for (var i = 1; i < shape.Length; i++) features *= shape[i];
        return x.Reshape(shape[0], features);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["class_name"] = "Flatten",
        ["name"] = Name,
        ["trainable"] = Trainable,
    };

    internal static new Flatten FromConfig(JsonObject c) => new((string?)c["name"]);
}
