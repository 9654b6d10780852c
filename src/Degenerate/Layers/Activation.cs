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
    public override JsonObject GetConfig() => new()
    {
        ["class_name"] = "Activation",
        ["name"] = Name,
        ["trainable"] = Trainable,
        ["activation"] = Function.Name,
        ["elu_alpha"] = Function is Elu e ? e.Alpha : null,
    };

    internal static new Activation FromConfig(JsonObject c)
    {
        ActivationFunction f = (string?)c["activation"] is "elu" && c["elu_alpha"] is { } alpha
            ? new Elu((double)alpha)
            : ActivationFunction.Get((string?)c["activation"] ?? "linear");
        return new Activation(f, (string?)c["name"]);
    }
}
