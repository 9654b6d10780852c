using Degenerate.Tensors;

namespace Degenerate.Activations;

/// <summary>
/// An element-wise (or, for softmax, row-wise) activation, as in <c>keras.activations</c>. Wherever Degenerate takes
/// an activation it also takes its Keras name, so <c>new Dense(1, "sigmoid")</c> and
/// <c>new Dense(1, new Sigmoid())</c> mean the same. Null and <c>"linear"</c> mean no activation.
/// </summary>
public abstract class ActivationFunction
{
    /// <summary>The Keras name ("sigmoid", "relu", ...), used in summaries and saved files.</summary>
    public abstract string Name { get; }

    /// <summary>Applies the activation.</summary>
    public abstract Tensor Apply(Tensor x);

    /// <summary>The names <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["linear", "sigmoid", "softmax", "relu", "tanh", "exponential", "softplus", "elu", "gelu", "inverse",
         "leaky_relu", "relu6", "selu", "silu", "swish", "softsign", "hard_sigmoid", "hard_silu", "hard_swish", "mish",
         "log_softmax", "probit", "cloglog"];

    /// <summary>Looks an activation up by its Keras name.</summary>
    public static ActivationFunction Get(string name) => (name ?? "linear").Trim().ToLowerInvariant() switch
    {
        "linear" or "" or "none" => new Linear(),
        "sigmoid" => new Sigmoid(),
        "softmax" => new Softmax(),
        "relu" => new Relu(),
        "tanh" => new Tanh(),
        "exponential" or "exp" => new Exponential(),
        "softplus" => new Softplus(),
        "elu" => new Elu(),
        "gelu" => new Gelu(),
        "inverse" or "reciprocal" => new Inverse(),
        // Keras 3's further activations (keras/src/activations/activations.py), under Keras's names and aliases.
        "leaky_relu" => new LeakyRelu(),
        "relu6" => new Relu6(),
        "selu" => new Selu(),
        "silu" or "swish" => new Silu(),
        "softsign" => new Softsign(),
        "hard_sigmoid" => new HardSigmoid(),
        "hard_silu" or "hard_swish" => new HardSilu(),
        "mish" => new Mish(),
        "log_softmax" => new LogSoftmax(),
        "probit" => new Probit(),
        "cloglog" => new CLogLog(),
        _ => throw new ArgumentException(
            $"unknown activation '{name}'; expected one of: {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>
    /// The activation a layer's saved configuration names: its "activation" key, with the parameter of a parameterized
    /// activation ("elu_alpha", "negative_slope") where one was written.
    /// </summary>
    internal static ActivationFunction FromConfig(System.Text.Json.Nodes.JsonObject c)
    {
        var name = (string?)c["activation"] ?? "linear";
        if (name == "elu" && c["elu_alpha"] is { } alpha) return new Elu((double)alpha);
        if (name == "leaky_relu" && c["negative_slope"] is { } slope) return new LeakyRelu((double)slope);
        return Get(name);
    }

    /// <summary>Writes this activation's name and parameter into a layer's configuration (the inverse of FromConfig).</summary>
    internal void WriteConfig(System.Text.Json.Nodes.JsonObject c)
    {
        c["activation"] = Name;
        c["elu_alpha"] = this is Elu e ? e.Alpha : null;
        if (this is LeakyRelu l) c["negative_slope"] = l.NegativeSlope;
    }

    /// <summary>Lets a Keras name stand wherever an activation is expected.</summary>
    public static implicit operator ActivationFunction(string name) => Get(name);

    /// <summary>The Keras name.</summary>
    public override string ToString() => Name;
}
