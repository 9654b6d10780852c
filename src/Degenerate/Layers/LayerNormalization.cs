using System.Text.Json.Nodes;
using Degenerate.Initializers;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// Normalizes each sample over its features, as <c>keras.layers.LayerNormalization</c> (axis -1):
/// y = (x − mean) / √(variance + ε) · gamma + beta, with the mean and the (biased) variance of the sample's own
/// features, so it behaves the same in training and inference and for any batch size.
/// Weights, in Keras's order and names: <c>gamma</c> [features] (when <see cref="AffineNormalization.Scale"/>), <c>beta</c> [features]
/// (when <see cref="AffineNormalization.Center"/>), both trainable.
/// </summary>
public sealed class LayerNormalization : AffineNormalization
{
    /// <summary>Creates the layer with Keras's defaults.</summary>
    /// <param name="epsilon">Added to the variance before the square root (&gt; 0); Keras's default 1e-3.</param>
    /// <param name="center">Whether to add the learned offset beta.</param>
    /// <param name="scale">Whether to multiply by the learned scale gamma.</param>
    /// <param name="betaInitializer">Initializer of beta; default zeros.</param>
    /// <param name="gammaInitializer">Initializer of gamma; default ones.</param>
    /// <param name="name">Layer name; default "layer_normalization", ...</param>
    public LayerNormalization(double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, string? name = null)
        : base(epsilon, center, scale, betaInitializer, gammaInitializer, name)
    {
    }

    /// <inheritdoc/>
    public override string BaseName => "layer_normalization";

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Weights => AffineWeights;

    /// <inheritdoc/>
    public override IReadOnlyList<string> WeightNames => AffineNames;

    internal override IReadOnlyList<(string Name, long[] Shape)> PlannedWeights(long inputDim) =>
        AffineNames.Select(n => (n, new[] { inputDim })).ToList();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training = false)
    {
        EnsureBuilt(x);
        using var scope = new DisposeScope();
        var mean = x.Mean(-1, keepDim: true);
        var variance = (x - mean).Square().Mean(-1, keepDim: true);
        return scope.MoveToOuter(Normalize(x, mean, variance));
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => Config("LayerNormalization", [], []);

    internal static new LayerNormalization FromConfig(JsonObject c)
    {
        var (epsilon, center, scale, beta, gamma) = ReadConfig(c, "LayerNormalization");
        return new(epsilon, center, scale, beta, gamma, (string?)c["name"]);
    }
}
