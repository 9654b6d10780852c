using System.Globalization;
using System.Text.Json;

namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    // The design's layout for GetPrediction when the data are not kept (a result read back by FromJson).
    private (bool Intercept, int Columns)? _restoredLayout;

    /// <summary>Whether a constant was prepended to the data columns, and how many data columns the fit has.</summary>
    internal (bool Intercept, int Columns) PredictionLayout => Data is { } d ? (d.Intercept, d.Columns) : _restoredLayout ?? (false, 0);

    /// <summary>
    /// Reads back what <see cref="ToJson"/> wrote, as far as predictions need it: the model, family, link, coefficient
    /// names, coefficients, their covariance, the reference distribution (use_t, df_resid) and the scale; with them
    /// <see cref="GetPrediction"/> equals the original fit's. The data are not in the JSON, so nothing that needs them
    /// (robust covariances, the OLS diagnostics) is available. The CLI's <c>predict</c> command reads fits this way.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Where the text came from, for the messages (a file name).</param>
    /// <exception cref="ArgumentException">The text is not JSON, or a key is missing or has the wrong shape (named).</exception>
    internal static GlmResult FromJson(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(json);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{source} is not JSON (as 'degenerate glm --json' writes): {e.Message}", nameof(json));
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"{source} holds JSON {root.ValueKind}, not a fit object as 'degenerate glm --json' writes", nameof(json));
        JsonElement Key(string key, JsonValueKind kind)
        {
            if (!root.TryGetProperty(key, out var v))
                throw new ArgumentException($"{source} has no \"{key}\": it is not a fit written by 'degenerate glm --json' (or GlmResult.ToJson)", nameof(json));
            if (v.ValueKind != kind && !(kind == JsonValueKind.True && v.ValueKind == JsonValueKind.False))
                throw new ArgumentException($"{source}: \"{key}\" is a JSON {v.ValueKind}, expected {(kind == JsonValueKind.True ? "a boolean" : kind.ToString())}", nameof(json));
            return v;
        }
        static double Number(JsonElement v) => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;  // null: non-finite
        double[] Numbers(string key) => Key(key, JsonValueKind.Array).EnumerateArray().Select(Number).ToArray();
        T ParseEnum<T>(string key) where T : struct, Enum =>
            Enum.TryParse<T>(Key(key, JsonValueKind.String).GetString(), ignoreCase: true, out var value)
                ? value
                : throw new ArgumentException($"{source}: \"{key}\" is '{root.GetProperty(key).GetString()}', not a known {typeof(T).Name.ToLowerInvariant()}", nameof(json));

        var family = ParseEnum<Family>("family");
        var link = ParseEnum<Link>("link");
        var names = Key("param_names", JsonValueKind.Array).EnumerateArray().Select(v => v.GetString() ?? "").ToArray();
        var parameters = Numbers("params");
        var k = parameters.Length;
        var rows = Key("cov_params", JsonValueKind.Array).EnumerateArray().ToArray();
        if (names.Length != k || rows.Length != k || rows.Any(r => r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != k))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: {k} params need {k} param_names and a {k}×{k} cov_params; got {names.Length} names and {rows.Length} rows"), nameof(json));
        var cov = new double[k, k];
        for (var i = 0; i < k; i++)
        {
            var j = 0;
            foreach (var v in rows[i].EnumerateArray()) cov[i, j++] = Number(v);
        }
        // Older files have no "intercept": the constant sm.add_constant prepends is named "const".
        var intercept = root.TryGetProperty("intercept", out var ic) && ic.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? ic.GetBoolean()
            : names.Length > 0 && names[0] == "const";
        var result = new GlmResult
        {
            Family = family,
            Link = link,
            Method = root.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "",
            ParamNames = names,
            Params = parameters,
            Bse = Enumerable.Range(0, k).Select(i => Math.Sqrt(cov[i, i])).ToArray(),
            CovParams = cov,
            UsesTDistribution = Key("use_t", JsonValueKind.True).GetBoolean(),
            DfResid = Number(Key("df_resid", JsonValueKind.Number)),
            Scale = Number(Key("scale", JsonValueKind.Number)),
        };
        if (root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String) result._modelName = model.GetString();
        if (family != Family.Multinomial) result._restoredLayout = (intercept, k - (intercept ? 1 : 0));
        return result;
    }
}
