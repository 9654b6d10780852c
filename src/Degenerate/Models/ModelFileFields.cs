using System.Text.Json;
using System.Text.Json.Nodes;

namespace Degenerate.Models;

/// <summary>
/// Typed reads of the model file's JSON header. A field of the wrong JSON type, a missing field and a value out of
/// range all become <see cref="InvalidDataException"/> naming the file and the field ("weights[3].offset"), never
/// the InvalidOperationException or FormatException that JsonNode's casts throw.
/// </summary>
internal readonly struct ModelFileFields(string path)
{
    public string Path { get; } = path;

    public InvalidDataException Bad(string problem, Exception? inner = null) =>
        new($"'{Path}' is not a valid Degenerate model file: {problem}", inner);

    private static string Describe(JsonNode? node) => node is null ? "null" : $"{node.GetValueKind().ToString().ToLowerInvariant()} {Clip(node.ToJsonString())}";

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    public JsonObject Object(JsonNode? node, string field) =>
        node as JsonObject ?? throw Bad($"{field} must be a JSON object, found {Describe(node)}");

    public JsonObject? OptionalObject(JsonNode? node, string field) => node is null ? null : Object(node, field);

    public JsonArray Array(JsonNode? node, string field) =>
        node as JsonArray ?? throw Bad($"{field} must be a JSON array, found {Describe(node)}");

    public JsonArray? OptionalArray(JsonNode? node, string field) => node is null ? null : Array(node, field);

    public string Text(JsonNode? node, string field) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
            : throw Bad($"{field} must be a string, found {Describe(node)}");

    public string? OptionalText(JsonNode? node, string field) => node is null ? null : Text(node, field);

    public long Integer(JsonNode? node, string field, long min = long.MinValue, long max = long.MaxValue)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<long>(out var x))
            throw Bad($"{field} must be an integer, found {Describe(node)}");
        if (x < min || x > max)
            throw Bad($"{field} is {x}, outside [{min}, {max}]");
        return x;
    }

    public double Number(JsonNode? node, string field) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var x)
            ? x
            : throw Bad($"{field} must be a number, found {Describe(node)}");

    public double? OptionalNumber(JsonNode? node, string field) => node is null ? null : Number(node, field);

    public bool? OptionalBool(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw Bad($"{field} must be true or false, found {Describe(node)}"),
    };

    /// <summary>Errors that building an object from a crafted config can raise; they mean "bad file", not "bug".</summary>
    public static bool IsConfigError(Exception e) => e is FormatException or ArgumentException or InvalidOperationException
        or InvalidCastException or JsonException or KeyNotFoundException or OverflowException or NotSupportedException
        or IndexOutOfRangeException or NullReferenceException;
}
