using System.Text.Json.Nodes;
using Degenerate.Initializers;
using Degenerate.Tensors;

namespace Degenerate.Layers;

// What BatchNormalization and LayerNormalization share: the optional gamma/beta pair and its config.
internal static class NormalizationMath
{
    public static IReadOnlyList<Tensor> Present(params Tensor?[] weights) => weights.Where(w => w is not null).ToList()!;

    public static IReadOnlyList<string> Names(bool scale, bool center) =>
        (scale, center) switch
        {
            (true, true) => ["gamma", "beta"],
            (true, false) => ["gamma"],
            (false, true) => ["beta"],
            _ => [],
        };

    // normalized · gamma + beta, each part only when present.
    public static Tensor Affine(Tensor normalized, Tensor? gamma, Tensor? beta)
    {
        var scaled = gamma is null ? normalized : normalized * gamma;
        return beta is null ? scaled : scaled + beta;
    }

    // Keras's names for the constants these layers use; Initializer.Get reads them back.
    public static string InitializerName(Initializer initializer) => initializer switch
    {
        Constant { Value: 1.0 } => "ones",
        Constant { Value: 0.0 } => "zeros",
        _ => initializer.Name,
    };

    public static Initializer Initializer(JsonObject c, string key, Initializer fallback) =>
        (string?)c[key] is { } n && n != "constant" ? Initializers.Initializer.Get(n) : fallback;
}
