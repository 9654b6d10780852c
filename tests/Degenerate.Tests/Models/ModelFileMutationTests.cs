using System.Text.Json.Nodes;
using Degenerate.Models;
using static Degenerate.TestShared.ModelFileFraming;
using static Degenerate.Tests.Models.ModelFileCrafting;

namespace Degenerate.Tests.Models;

// Issue 14: beyond the hand-made cases, every value in the header replaced in turn by values of every JSON type
// and edge magnitude, each file with a valid checksum. The only acceptable outcomes are a model that loads or an
// InvalidDataException naming the path: never another exception type, a crash or a hang.
public sealed class ModelFileMutationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-mutation-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => null, () => -1, () => 0, () => long.MaxValue, () => long.MinValue, () => 1e308, () => 2.5, () => "x", () => "",
        () => true, () => new JsonArray(), () => new JsonArray(-1), () => new JsonObject(), () => int.MaxValue + 1L,
    ];

    // Every path to a value in the header, as a list of object keys and array indices.
    private static IEnumerable<object[]> Paths(JsonNode node, List<object> at)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    var next = new List<object>(at) { k };
                    yield return next.ToArray();
                    if (v is not null) foreach (var p in Paths(v, next)) yield return p;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var next = new List<object>(at) { i };
                    yield return next.ToArray();
                    if (a[i] is { } v) foreach (var p in Paths(v, next)) yield return p;
                }
                break;
        }
    }

    private static void Replace(JsonNode root, object[] path, JsonNode? value)
    {
        var parent = root;
        foreach (var step in path[..^1]) parent = step is string k ? parent[k]! : parent[(int)step]!;
        if (path[^1] is string key) parent[key] = value;
        else parent[(int)path[^1]] = value;
    }

    [Fact]
    public void EveryHeaderValueReplacedGivesALoadedModelOrInvalidDataException()
    {
        var valid = ValidFile(_dir);
        var header = JsonNode.Parse(Split(valid).Header)!;
        var paths = Paths(header, []).Where(p => !(p[0] is "saved_utc" or "library_version")).ToList();
        Assert.True(paths.Count > 50, $"only {paths.Count} paths");
        var path = Path.Combine(_dir, "mutant.dgm");
        var failures = new List<string>();
        var rejected = 0;
        foreach (var at in paths)
        {
            foreach (var replacement in Replacements)
            {
                var value = replacement();
                File.WriteAllBytes(path, EditHeader(valid, h => Replace(h, at, value)));
                var where = $"{string.Join("/", at)} = {value?.ToJsonString() ?? "null"}";
                try
                {
                    using var model = Sequential.Load(path);
                    using var again = ModelFileCrafting.Model();
                    again.LoadWeights(path);
                }
                catch (InvalidDataException e) when (e.Message.Contains(path, StringComparison.Ordinal))
                {
                    rejected++;
                }
                catch (ArgumentException e) when (e.Message.Contains("expected", StringComparison.Ordinal) && at[0] is "model")
                {
                    rejected++; // a valid file of another architecture, refused by LoadWeights into Model()
                }
                catch (Exception e)
                {
                    failures.Add($"{where}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(rejected > paths.Count, $"only {rejected} mutants rejected"); // most mutations must be caught
    }

    [Fact]
    public void EveryTruncationAndEveryFrameBitFlipGivesInvalidDataException()
    {
        var valid = ValidFile(_dir);
        var path = Path.Combine(_dir, "damaged.dgm");
        var h = (int)BitConverter.ToUInt32(valid, 12);
        var frame = Enumerable.Range(0, 16).Concat(Enumerable.Range(16 + h, 8)).Concat(Enumerable.Range(valid.Length - 32, 32));
        var cases = Enumerable.Range(0, valid.Length).Select(n => (Name: $"first {n} bytes", Bytes: valid[..n]))
            .Concat(frame.SelectMany(i => new[] { 0x01, 0x80 }.Select(bit =>
            {
                var bytes = (byte[])valid.Clone();
                bytes[i] ^= (byte)bit;
                return (Name: $"byte {i} ^ 0x{bit:x2}", Bytes: bytes);
            })));
        foreach (var (name, bytes) in cases)
        {
            File.WriteAllBytes(path, bytes);
            var e = Record.Exception(() => Sequential.Load(path));
            Assert.True(e is InvalidDataException && e.Message.Contains(path, StringComparison.Ordinal), $"{name}: {e?.GetType().Name ?? "loaded"}: {e?.Message}");
        }
    }

    [SkippableFact]
    public void ASparseTerabyteFileWithWrongLengthsIsRejectedWithoutReadingIt()
    {
        var (_, header, payload) = Split(ValidFile(_dir));
        var path = Path.Combine(_dir, "huge.dgm");
        using (var s = new FileStream(path, FileMode.CreateNew))
        {
            s.Write(Frame(1, header, payload));
            try { s.SetLength(1L << 40); }
            catch (IOException e) { Skip.If(true, $"no sparse terabyte file here: {e.Message}"); }
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<InvalidDataException>(() => Sequential.Load(path));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains("payload length", error.Message);
        Assert.Contains((1L << 40).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }
}
