using System.Text.Json.Nodes;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Saving;

/// <summary>
/// A model of tests/fixtures/keras (written by make_fixtures.py in Keras 3's .weights.h5 layout): its layers, the
/// input and NumPy's forward pass on it.
/// </summary>
internal sealed class KerasFixture
{
    private KerasFixture(string name, JsonObject json)
    {
        Name = name;
        Json = json;
        var x = json["x"]!.AsArray();
        var y = json["y"]!.AsArray();
        X = To2D(x);
        Y = To2D(y);
    }

    public string Name { get; }

    public JsonObject Json { get; }

    public double[,] X { get; }

    public double[,] Y { get; }

    public string WeightsPath => Path.Combine(Folder, Name + ".weights.h5");

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "fixtures", "keras");

    public static KerasFixture Load(string name) =>
        new(name, JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")))!.AsObject());

    /// <summary>The Sequential the file was written from, built from its description (inputDim optional).</summary>
    public Sequential NewModel(bool declareInput = true, DType dtype = DType.Float32)
    {
        var layers = new List<Layer>();
        var first = true;
        if (declareInput && Json["input_layer"] is { } input && (bool)input!)
        {
            layers.Add(new Input((int)Json["input_dim"]!));  // keras.Input: no group in the file
            first = false;
        }
        foreach (var node in Json["layers"]!.AsArray())
        {
            var cfg = node!.AsObject();
            int? inputDim = first && declareInput ? (int)Json["input_dim"]! : null;
            layers.Add((string)cfg["class_name"]! switch
            {
                "Dense" => new Dense((int)cfg["units"]!, (string?)cfg["activation"] ?? "linear",
                    useBias: cfg["use_bias"] is null || (bool)cfg["use_bias"]!, inputDim: inputDim),
                "Dropout" => new Dropout((double)cfg["rate"]!),
                "Activation" => new Activation((string)cfg["activation"]!),
                "Normalization" => new Normalization(),
                "BatchNormalization" => new BatchNormalization(),
                "LayerNormalization" => new LayerNormalization(),
                "GaussianNoise" => new GaussianNoise((double)cfg["stddev"]!),
                var c => throw new InvalidOperationException(c),
            });
            first = false;
        }
        return new Sequential(layers.ToArray()) { DType = dtype };
    }

    private static double[,] To2D(JsonArray rows)
    {
        var cols = rows[0]!.AsArray().Count;
        var result = new double[rows.Count, cols];
        for (var i = 0; i < rows.Count; i++)
            for (var j = 0; j < cols; j++) result[i, j] = (double)rows[i]![j]!;
        return result;
    }
}
