using System.Text.Json;
using Degenerate.Tensors;

namespace Degenerate.Tests.Layers;

/// <summary>Reads tests/fixtures/layers/normalization_layers.json (NumPy references, see make_fixtures.py there).</summary>
internal static class LayerFixture
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "layers", "normalization_layers.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    });

    public static JsonElement Get(string section) => Root.Value.GetProperty(section);

    public static double[] Vector(this JsonElement e, string name) =>
        e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static double[,] Matrix(this JsonElement e, string name)
    {
        var rows = e.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    public static double[] Flat(double[,] m) => m.Cast<double>().ToArray();

    public static double[] Values(Tensor t)
    {
        using var cpu = t.To(DType.Float64, Device.CPU);
        return cpu.ToArray<double>();
    }
}
