using System.Text.Json;
using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>One statsmodels reference (tests/fixtures/glm/*.json): the data, the settings and statsmodels' results.</summary>
public sealed class GlmFixture
{
    private readonly JsonElement _root;

    private GlmFixture(string name, JsonElement root)
    {
        Name = name;
        _root = root;
    }

    /// <summary>The fixture's file name without extension.</summary>
    public string Name { get; }

    /// <summary>Loads tests/fixtures/glm/{name}.json from the test output folder.</summary>
    public static GlmFixture Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "glm", name + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new GlmFixture(name, doc.RootElement.Clone());
    }

    /// <summary>The design without the constant column.</summary>
    public double[,] X
    {
        get
        {
            var rows = _root.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            var m = new double[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
            for (var i = 0; i < rows.Length; i++)
                for (var j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
            return m;
        }
    }

    /// <summary>A nested object of the fixture (e.g. one covariance type's results) as a fixture of its own.</summary>
    public GlmFixture Section(string key) => new($"{Name}.{key}", _root.GetProperty(key));

    /// <summary>A numeric matrix field (a list of rows).</summary>
    public double[,] Matrix(string key)
    {
        var rows = _root.GetProperty(key).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    /// <summary>An array field of labels (strings, or numbers written as text).</summary>
    public string[] Labels(string key) => _root.GetProperty(key).EnumerateArray()
        .Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToArray();

    /// <summary>A string field.</summary>
    public string Text(string key) => _root.GetProperty(key).GetString()!;

    /// <summary>A numeric array field.</summary>
    public double[] Array(string key) => _root.GetProperty(key).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>A numeric array field or null.</summary>
    public double[]? OptionalArray(string key) =>
        _root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array ? Array(key) : null;

    /// <summary>A scalar field.</summary>
    public double Number(string key) => _root.GetProperty(key).GetDouble();

    /// <summary>A boolean field.</summary>
    public bool Flag(string key) => _root.GetProperty(key).GetBoolean();

    /// <summary>Whether the fixture has a field.</summary>
    public bool Has(string key) => _root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>The response.</summary>
    public double[] Y => Array("y");

    /// <summary>Binomial trials, if any.</summary>
    public double[]? Weights => OptionalArray("weights");

    /// <summary>The family named in the fixture.</summary>
    public Family Family => Enum.Parse<Family>(_root.GetProperty("family").GetString()!, ignoreCase: true);

    /// <summary>The link named in the fixture.</summary>
    public Link Link => Enum.Parse<Link>(_root.GetProperty("link").GetString()!, ignoreCase: true);

    /// <summary>Whether statsmodels used t statistics.</summary>
    public bool UseT => _root.GetProperty("use_t").GetBoolean();

    /// <summary>Feature names, if the fixture has them.</summary>
    public string[]? FeatureNames =>
        _root.TryGetProperty("feature_names", out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.GetString()!).ToArray()
            : null;
}
