using System.Text.Json.Nodes;
using Degenerate.Layers;
using Degenerate.Models;
using static Degenerate.TestShared.ModelFileFraming;
using static Degenerate.Tests.Models.ModelFileCrafting;

namespace Degenerate.Tests.Models;

// Issue 14: crafted files with a valid checksum. Each one must give InvalidDataException naming the path and the
// field at fault, before any weight is read, through both Sequential.Load and LoadWeights.
public sealed class ModelFileCraftedTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-crafted-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Func<byte[], byte[]> Edit(Action<JsonObject> edit) => file => EditHeader(file, edit);

    private static Func<byte[], byte[]> Raw(Func<byte[], byte[], byte[]> frame) => file =>
    {
        var (_, header, payload) = Split(file);
        return frame(header, payload);
    };

    // name → (how to craft it, the field the message must name). A crafted weight table reaches LoadWeights too.
    private static readonly Dictionary<string, (Func<byte[], byte[]> Craft, string Field)> Cases = new()
    {
        ["offset near long.MaxValue"] = (Edit(h => Weight(h, 1)["offset"] = long.MaxValue - 3), "weights[1].offset"),
        ["nbytes near long.MaxValue"] = (Edit(h => Weight(h, 3)["nbytes"] = long.MaxValue), "weights[3].nbytes"),
        ["negative offset"] = (Edit(h => Weight(h, 0)["offset"] = -8), "weights[0].offset"),
        ["overlapping ranges"] = (Edit(h => Weight(h, 2)["offset"] = 24), "weights[2].offset"),
        ["out-of-order ranges"] = (Edit(h => { Weight(h, 0)["offset"] = 28; Weight(h, 1)["offset"] = 0; Weight(h, 2)["offset"] = 12; }), "weights[0].offset"),
        ["gap between ranges"] = (Edit(h => Weight(h, 3)["offset"] = 49), "weights[3].offset"),
        ["negative dims, same product"] = (Edit(h => Weight(h, 0)["shape"] = new JsonArray(-2, -3)), "weights[0].shape"),
        ["shape product overflow"] = (Edit(h => Weight(h, 0)["shape"] = new JsonArray(4294967296L, 4294967296L, 6)), "weights[0].shape"),
        ["nbytes not product × element size"] = (Edit(h => Weight(h, 0)["nbytes"] = 20), "weights[0].nbytes"),
        ["unknown dtype"] = (Edit(h => Weight(h, 0)["dtype"] = "float16"), "weights[0].dtype"),
        ["integer dtype"] = (Edit(h => Weight(h, 0)["dtype"] = "int64"), "weights[0].dtype"),
        ["dtype of the wrong JSON type"] = (Edit(h => Weight(h, 0)["dtype"] = 7), "weights[0].dtype"),
        ["weight dtype differs from the model's"] = (Edit(h => h["model"]!["dtype"] = "float64"), "weights[0].dtype (model)"),
        ["shape of the wrong JSON type"] = (Edit(h => Weight(h, 0)["shape"] = "2x3"), "weights[0].shape"),
        ["fractional dim"] = (Edit(h => Weight(h, 1)["shape"] = new JsonArray(2.5)), "weights[1].shape[0]"),
        ["offset as a string"] = (Edit(h => Weight(h, 0)["offset"] = "0"), "weights[0].offset"),
        ["fractional offset"] = (Edit(h => Weight(h, 1)["offset"] = 24.5), "weights[1].offset"),
        ["missing nbytes"] = (Edit(h => Weight(h, 3).Remove("nbytes")), "weights[3].nbytes"),
        ["weights not an array"] = (Edit(h => h["weights"] = new JsonObject()), "weights"),
        ["null weight entry"] = (Edit(h => h["weights"]![2] = null), "weights[2]"),
        ["missing weight table"] = (Edit(h => h.Remove("weights")), "weights"),
        ["payload bytes no weight covers"] = (Edit(h => h["weights"]!.AsArray().RemoveAt(3)), "weights"),
        ["weight names another layer"] = (Edit(h => Weight(h, 2)["layer"] = "dense"), "weights[2].layer (model)"),
        ["weight name unknown"] = (Edit(h => Weight(h, 1)["name"] = "gamma"), "weights[1].name (model)"),
        ["shape differs from the layer's"] = (Edit(h => { h["model"]!["layers"]![0]!["units"] = 4; h["model"]!["layers"]![1]!["input_dim"] = 4; }), "weights[0].shape (model)"),
        ["layers that do not fit together"] = (Edit(h => h["model"]!["layers"]![1]!["input_dim"] = 7), "model.layers[1].input_dim"),
        ["huge declared input width"] = (Edit(h => h["model"]!["layers"]![0]!["input_dim"] = 2_000_000_000), "model.layers[0].input_dim"),
        ["huge layer the table does not hold"] = (Edit(h => { h["model"]!["layers"]![0]!["units"] = 2_000_000_000; h["model"]!["layers"]![1]!["input_dim"] = 2_000_000_000; }), "weights[0].shape (model)"),
        ["header is an array"] = (Raw((_, p) => Frame(1, "[1, 2]"u8.ToArray(), p)), "header"),
        ["header is not JSON"] = (Raw((_, p) => Frame(1, "{\"weights\": [{"u8.ToArray(), p)), "header"),
        ["header is not UTF-8"] = (Raw((_, p) => Frame(1, [0x7b, 0xff, 0xfe, 0x7d], p)), "header"),
        ["empty header"] = (Raw((_, p) => Frame(1, [], p)), "header"),
        ["header length beyond the file"] = (Raw((h, p) => Frame(1, h, p, headerLength: 0xFFFF_FFF0)), "header length"),
        ["payload length near ulong.MaxValue"] = (Raw((h, p) => Frame(1, h, p, payloadLength: ulong.MaxValue - 10)), "payload length"),
        ["payload length short of the file"] = (Raw((h, p) => Frame(1, h, p, payloadLength: (ulong)p.Length - 4)), "payload length"),
        ["trailing bytes after the checksum"] = (file => [.. file, 0, 0, 0, 0], "trailing"),
        ["future version"] = (Raw((h, p) => Frame(7, h, p)), "version 7"),
        ["header version differs from the frame's"] = (Edit(h => h["version"] = 1), "version"),
        ["wrong format name"] = (Edit(h => h["format"] = "keras"), "format"),
        ["model missing"] = (Edit(h => h.Remove("model")), "model"),
        ["model of another class"] = (Edit(h => h["model"]!["class_name"] = "Functional"), "model.class_name"),
        ["model dtype unknown"] = (Edit(h => h["model"]!["dtype"] = "int8"), "model.dtype"),
        ["negative input_dim"] = (Edit(h => h["model"]!["input_dim"] = -2), "model.input_dim"),
        ["input_dim as a string"] = (Edit(h => h["model"]!["input_dim"] = "2"), "model.input_dim"),
        ["layers not an array"] = (Edit(h => h["model"]!["layers"] = 3), "model.layers"),
        ["layer config a number"] = (Edit(h => h["model"]!["layers"]![1] = 5), "model.layers[1]"),
        ["units as a string"] = (Edit(h => h["model"]!["layers"]![0]!["units"] = "three"), "model.layers[0]"),
        ["negative units"] = (Edit(h => h["model"]!["layers"]![0]!["units"] = -1), "model.layers[0]"),
        ["unknown layer class"] = (Edit(h => h["model"]!["layers"]![1]!["class_name"] = "Conv2D"), "model.layers[1]"),
        ["unknown activation"] = (Edit(h => h["model"]!["layers"]![0]!["activation"] = "swishy"), "model.layers[0]"),
        ["unknown optimizer"] = (Edit(h => h["compile"]!["optimizer"]!["name"] = "bogus"), "compile.optimizer.name"),
        ["learning rate a string"] = (Edit(h => h["compile"]!["optimizer"]!["learning_rate"] = "fast"), "compile.optimizer.learning_rate"),
        ["negative learning rate"] = (Edit(h => h["compile"]!["optimizer"]!["learning_rate"] = -1), "compile.optimizer"),
        ["loss a number"] = (Edit(h => h["compile"]!["loss"] = 3), "compile.loss"),
        ["unknown loss"] = (Edit(h => h["compile"]!["loss"]!["name"] = "hinge_of_doom"), "compile.loss"),
        ["metric a number"] = (Edit(h => h["compile"]!["metrics"] = new JsonArray(1)), "compile.metrics[0]"),
        ["unknown metric"] = (Edit(h => h["compile"]!["metrics"] = new JsonArray("bogus_metric")), "compile.metrics"),
        ["compile a string"] = (Edit(h => h["compile"] = "yes"), "compile"),
    };

    private static float[][] Values(Sequential model)
    {
        var weights = model.GetWeights();
        var values = weights.Select(w => w.ToArray<float>()).ToArray();
        foreach (var w in weights) w.Dispose();
        return values;
    }

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    // Fields marked "(model)" are checked against the model the file describes; LoadWeights checks its own model.
    private static bool ReachesLoadWeights(string field) =>
        !field.StartsWith("model", StringComparison.Ordinal) && !field.StartsWith("compile", StringComparison.Ordinal)
        && !field.EndsWith(" (model)", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CraftedFileGivesInvalidDataExceptionNamingTheField(string name)
    {
        var (craft, marked) = Cases[name];
        var field = marked.Replace(" (model)", "", StringComparison.Ordinal);
        var path = Path.Combine(_dir, "crafted.dgm");
        File.WriteAllBytes(path, craft(ValidFile(_dir)));

        var e = Assert.Throws<InvalidDataException>(() => Sequential.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(field, e.Message);

        if (!ReachesLoadWeights(marked)) return;
        using var model = Model();
        var before = Values(model);
        var w2 = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));
        Assert.Contains(path, w2.Message);
        Assert.Contains(field, w2.Message);
        Assert.Equal(before, Values(model)); // nothing was written
    }

    [Fact]
    public void WeightsOfAnotherArchitectureAreRefusedBeforeReading()
    {
        var path = Path.Combine(_dir, "other.dgm");
        File.WriteAllBytes(path, ValidFile(_dir));
        using var model = new Sequential(new Dense(4, inputDim: 2), new Dense(1)) { Device = Degenerate.Tensors.Device.CPU };
        var before = Values(model);
        var e = Assert.Throws<ArgumentException>(() => ModelFileLoader.LoadWeights(model, path));
        Assert.Contains(path, e.Message);
        Assert.Contains("weights[0]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        Assert.Equal(before, Values(model));

        using var same = Model();
        same.SetWeights(new Array[] { new float[2, 3], new float[3], new float[3, 1], new float[1] });
        ModelFileLoader.LoadWeights(same, path);
        Assert.Equal([1f, 2, 3, 4, 5, 6], Values(same)[0]);
    }

    [Fact]
    public void AHugeInputWidthCannotBuildAnUnbuiltModelThroughLoadWeights()
    {
        // LoadWeights builds an unbuilt model for the file's input width: that width must agree with the file's
        // own table before anything is built (2e9 × 3 floats would be 24 GB).
        var path = Path.Combine(_dir, "wide.dgm");
        File.WriteAllBytes(path, EditHeader(ValidFile(_dir), h =>
        {
            h["model"]!["input_dim"] = 2_000_000_000;
            h["model"]!["layers"]![0]!.AsObject().Remove("input_dim");
        }));
        using var model = new Sequential(new Dense(3, "relu"), new Dense(1, "sigmoid")) { Device = Degenerate.Tensors.Device.CPU };
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("weights[0].shape", e.Message);
        Assert.False(model.Built);
    }

    [Fact]
    public void FutureVersionNamesBothVersions()
    {
        var path = Path.Combine(_dir, "future.dgm");
        var (_, header, payload) = Split(ValidFile(_dir));
        File.WriteAllBytes(path, Frame(uint.MaxValue, header, payload));
        var e = Assert.Throws<InvalidDataException>(() => Sequential.Load(path));
        Assert.Contains($"version {uint.MaxValue}", e.Message);
        Assert.Contains($"version {ModelFile.FormatVersion}", e.Message);
    }

    [Fact]
    public void UntouchedCraftingRoundTrips()
    {
        // The crafting itself must not break a file: re-framing an unedited header loads the same weights.
        var path = Path.Combine(_dir, "same.dgm");
        File.WriteAllBytes(path, EditHeader(ValidFile(_dir), _ => { }));
        using var loaded = Sequential.Load(path);
        var w = loaded.GetWeights();
        Assert.Equal([1f, 2, 3, 4, 5, 6], w[0].ToArray<float>());
        Assert.Equal([13f], w[3].ToArray<float>());
        foreach (var t in w) t.Dispose();
    }
}
