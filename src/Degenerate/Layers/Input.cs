using System.Text.Json.Nodes;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// Declares the shape of a model's input, as <c>keras.Input(shape=(3,))</c> (Keras's <c>InputLayer</c>):
/// <c>new Sequential(new Input(3), new Dense(1))</c> is built, and counts its weights in Summary, before it sees data.
/// It must come first; like Keras's Sequential, the model does not list it among its <see cref="Models.Model.Layers"/>
/// (nor does Summary or a saved file, which records the input width itself). The shape leaves out the batch dimension
/// and has one entry: models take [batch, features] arrays.
/// </summary>
public sealed class Input : Layer
{
    /// <summary>Creates the declaration from the shape of one sample.</summary>
    /// <param name="shape">One positive width, e.g. <c>new Input(3)</c> for rows of 3 features.</param>
    public Input(params long[] shape) : base(null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length != 1)
            throw new ArgumentException(
                $"Input shape must have exactly one entry, the number of features (models take [batch, features] arrays); got ({string.Join(", ", shape)})",
                nameof(shape));
        if (shape[0] <= 0) throw new ArgumentOutOfRangeException(nameof(shape), shape[0], "the input width must be positive");
        Shape = [shape[0]];
        InputDim = shape[0];
    }

    /// <summary>The shape of one sample (without the batch dimension).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <inheritdoc/>
    public override string BaseName => "input_layer";

    /// <inheritdoc/>
    public override string ClassName => "InputLayer";

    /// <inheritdoc/>
    public override long OutputDim(long inputDim) => inputDim;

    internal override IReadOnlyList<(string Name, long[] Shape)> PlannedWeights(long inputDim) => [];

    /// <summary>Passes the input through, after checking its width.</summary>
    public override Tensor Forward(Tensor x, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Length != 2 || x.Shape[1] != Shape[0])
            throw new ArgumentException($"Input expects shape [batch, {Shape[0]}], got {x.ShapeString}", nameof(x));
        return x.Alias();
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["class_name"] = "InputLayer",
        ["name"] = Name,
        ["batch_shape"] = new JsonArray(null, Shape[0]),
    };
}
