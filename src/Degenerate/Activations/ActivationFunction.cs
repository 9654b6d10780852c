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
         "probit", "cloglog"];

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
        "probit" => new Probit(),
        "cloglog" => new CLogLog(),
        _ => throw new ArgumentException(
            $"unknown activation '{name}'; expected one of: {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>Lets a Keras name stand wherever an activation is expected.</summary>
    public static implicit operator ActivationFunction(string name) => Get(name);

    /// <summary>The Keras name.</summary>
    public override string ToString() => Name;
}
