using System.Text;
using Degenerate.Layers;
using Degenerate.Models;

namespace Degenerate.Saving;

/// <summary>
/// Where Keras 3 keeps each weight in a <c>.weights.h5</c> file (keras-team/keras, keras/src/saving/saving_lib.py):
/// a Sequential's layers go under <c>layers/&lt;name&gt;/vars/&lt;i&gt;</c>, where the name is the layer's class name in
/// snake case with a counter for repeats (<c>dense</c>, <c>dense_1</c>, <c>dropout</c>, ...; never
/// <c>layer.name</c>, which Keras deliberately ignores because automatic names are not reproducible) and <c>i</c>
/// numbers the trainable then the non-trainable variables; the model's own (empty) <c>vars</c> group sits at the root.
/// </summary>
internal static class KerasWeightsLayout
{
    /// <summary>The file's group for the model's layers.</summary>
    public const string LayersGroup = "layers";

    /// <summary>Every saveable's variables live in a child group of this name.</summary>
    public const string VarsGroup = "vars";

    /// <summary>The compiled model's optimizer state.</summary>
    public const string OptimizerGroup = "optimizer";

    /// <summary>Keras's <c>naming.to_snake_case</c> for class names: "BatchNormalization" → "batch_normalization".</summary>
    public static string SnakeCase(string className)
    {
        var sb = new StringBuilder(className.Length + 4);
        for (var i = 0; i < className.Length; i++)
        {
            var c = className[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>
    /// The layers the file holds with their group names, in order (what <c>_save_container_state</c> computes over
    /// <c>Sequential.layers</c>, which leaves out the InputLayer: an <see cref="Input"/> has no group).
    /// </summary>
    public static IReadOnlyList<(Layer Layer, string Group)> SavedLayers(Model model)
    {
        var used = new Dictionary<string, int>();
        var result = new List<(Layer, string)>(model.Layers.Count);
        foreach (var layer in model.Layers)
        {
            if (layer is Input) continue;
            var name = SnakeCase(layer.ClassName);
            if (used.TryGetValue(name, out var n))
            {
                used[name] = n + 1;
                name = $"{name}_{n + 1}";
            }
            else used[name] = 0;
            result.Add((layer, name));
        }
        return result;
    }

    /// <summary>
    /// The layer's variables in Keras's <c>save_own_variables</c> order. Degenerate keeps every layer's
    /// <see cref="Layer.Weights"/> in Keras order already (trainable ones first: Dense kernel, bias; BatchNormalization
    /// gamma, beta, moving_mean, moving_variance; LayerNormalization gamma, beta; an adapted Normalization mean,
    /// variance, count), so this is that list.
    /// </summary>
    public static IReadOnlyList<(string Name, Tensors.Tensor Value)> Variables(Layer layer) =>
        layer.Weights.Select((w, i) => (i < layer.WeightNames.Count ? layer.WeightNames[i] : $"#{i}", w)).ToList();
}

internal static class KerasVariableTypes
{
    /// <summary>Keras keeps Normalization's <c>count</c> as an int64 scalar; every other variable is a float.</summary>
    public static bool IsInteger(Layer layer, string name) => layer is Normalization && name == "count";
}
