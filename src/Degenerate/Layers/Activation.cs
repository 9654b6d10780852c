using System.Text.Json.Nodes;
using Degenerate.Activations;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>Applies an activation function as a layer of its own, as <c>keras.layers.Activation</c>.</summary>
public sealed class Activation : Layer
{
    /// <summary>Creates the layer from an activation or its Keras name.</summary>
    public Activation(ActivationFunction activation, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(activation);
        Function = activation;
    }

    /// <summary>The activation applied.</summary>
    public ActivationFunction Function { get; }

    /// <inheritdoc/>
    public override string BaseName => "activation";

    /// <inheritdoc/>
    public override long OutputDim(long inputDim) => inputDim;

    internal override IReadOnlyList<(string Name, long[] Shape)> PlannedWeights(long inputDim) => [];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training = false) => Function.Apply(x);

    /// <inheritdoc/>
    public override (Tensor PreActivation, ActivationFunction? Activation) ForwardSplit(Tensor x, bool training = false) =>
        Function is Linear ? (x.Alias(), null) : (x.Alias(), Function);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = new JsonObject { ["class_name"] = "Activation", ["name"] = Name, ["trainable"] = Trainable };
        Function.WriteConfig(c);
        return c;
    }

    internal static new Activation FromConfig(JsonObject c)
    {
        return new Activation(ActivationFunction.FromConfig(c), (string?)c["name"]);
    }
}
