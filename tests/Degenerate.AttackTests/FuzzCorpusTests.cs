namespace Degenerate.AttackTests;

/// <summary>
/// Replays the inputs the fuzzer found interesting (tests/fuzz/corpus, written by tests/fuzz/run.sh) in a child
/// process, as the fuzz target feeds them (resealed with a valid SHA-256) and as they are: each loads whole or gives
/// InvalidDataException naming the path; nothing else, and never a crash.
/// </summary>
public sealed class FuzzCorpusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-corpus-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EveryCorpusFileLoadsOrGivesInvalidDataException()
    {
        var corpus = Path.Combine(AppContext.BaseDirectory, "fuzz-corpus");
        var inputs = Directory.GetFiles(corpus);
        Assert.True(inputs.Length >= 20, $"the fuzz corpus in {corpus} has {inputs.Length} files"); // it must be there to test anything
        var paths = new List<string>();
        foreach (var input in inputs)
        {
            var bytes = File.ReadAllBytes(input);
            foreach (var (suffix, content) in new[] { ("sealed", Degenerate.TestShared.ModelFileFraming.Reseal(bytes)), ("raw", bytes) })
            {
                var path = Path.Combine(_dir, $"{Path.GetFileName(input)}.{suffix}.dgm");
                File.WriteAllBytes(path, content);
                paths.Add(path);
            }
        }
        var run = Child.Run("load", [.. paths]);
        var loaded = 0;
        foreach (var path in paths)
        {
            var line = run[path];
            if (line.StartsWith("ok ", StringComparison.Ordinal)) { loaded++; continue; }
            Assert.True(line.StartsWith("error InvalidDataException: ", StringComparison.Ordinal), $"{Path.GetFileName(path)}: {line}");
            Assert.Contains(path, line);
        }
        Assert.True(loaded < paths.Count, "every corpus file loaded: the corpus holds no malformed input");
    }
}
