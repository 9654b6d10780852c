using static Degenerate.TestShared.ModelFileFraming;

namespace Degenerate.AttackTests;

/// <summary>
/// Damaged Keras <c>.weights.h5</c> files (HDF5, read through PureHDF: a format with its own offsets, lengths and
/// trees, and files that come from elsewhere) loaded with LoadWeights in a child process: each must load completely
/// or give InvalidDataException naming the path (docs/keras-interop.md), never a crash, a hang or another type.
/// </summary>
public sealed class KerasWeightsAttackTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-h5-attack-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private byte[] Valid()
    {
        var path = Path.Combine(_dir, "source.weights.h5");
        using (var model = SmallModel()) model.SaveWeights(path);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    private static Dictionary<string, byte[]> Damaged(byte[] valid)
    {
        var files = new Dictionary<string, byte[]>
        {
            ["empty"] = [],
            ["zeros"] = new byte[valid.Length],
            ["signature only"] = valid[..8],
            ["a model file"] = "DGNMODEL"u8.ToArray(),
        };
        foreach (var cut in new[] { 9, 48, 96, 512, valid.Length / 4, valid.Length / 2, valid.Length - 200, valid.Length - 1 })
            if (cut > 0 && cut < valid.Length) files[$"truncated to {cut}"] = valid[..cut];
        // Flips across the file: superblock, object headers, B-trees, heaps and the data itself.
        for (var i = 0; i < valid.Length; i += Math.Max(1, valid.Length / 64))
        {
            var flipped = (byte[])valid.Clone();
            flipped[i] ^= 0xFF;
            files[$"byte {i} inverted"] = flipped;
        }
        return files;
    }

    [Fact]
    public void EveryDamagedFileLoadsCompletelyOrGivesInvalidDataExceptionNamingThePath()
    {
        var valid = Valid();
        var paths = new Dictionary<string, string>();
        foreach (var (name, bytes) in Damaged(valid))
        {
            var path = Path.Combine(_dir, $"{paths.Count:D3}.weights.h5");
            File.WriteAllBytes(path, bytes);
            paths[path] = name;
        }
        var validPath = Path.Combine(_dir, "valid.weights.h5");
        File.WriteAllBytes(validPath, valid);
        // One child for all files; when one crashes, note it and go on with the files after it.
        var lines = new Dictionary<string, string>();
        var crashes = new List<string>();
        var left = new List<string> { validPath };
        left.AddRange(paths.Keys);
        while (left.Count > 0)
        {
            var run = Child.Run("load-weights", null, false, [.. left]);
            foreach (var path in left.Where(run.Cases.ContainsKey)) lines[path] = run.Cases[path];
            var next = left.FindIndex(p => !run.Cases.ContainsKey(p));
            if (run.ExitCode == 0 || next < 0) break;
            crashes.Add($"{paths.GetValueOrDefault(left[next], "valid")}: exit {Child.Describe(run.ExitCode)}: " + Tail(run.Output));
            left = left.Skip(next + 1).ToList();
        }

        Assert.StartsWith("ok 2 layers, weight sums ", lines[validPath]);
        // No damaged file may end the process. (PureHDF 2 follows soft links without a depth limit; a byte that turns a
        // hard link into a soft link to itself used to overflow the stack here, until the reader looked for soft links
        // before opening the file: Hdf5SoftLinkScan.)
        Assert.True(crashes.Count == 0, string.Join("\n", crashes));
        var refused = 0;
        foreach (var (path, name) in paths)
        {
            if (!lines.TryGetValue(path, out var line)) continue;  // the crash above
            // A flip in padding, a timestamp or an unused field leaves a valid file: then it must load whole (a flip
            // in the data, which HDF5 does not checksum, loads as another weight, as in Keras).
            if (line.StartsWith("ok 2 layers, weight sums ", StringComparison.Ordinal)) continue;
            Assert.True(line.StartsWith("error InvalidDataException: ", StringComparison.Ordinal), $"{name}: {line}");
            Assert.Contains(path, line);
            refused++;
        }
        Assert.True(refused >= 12, $"only {refused} of {paths.Count} damaged files were refused");
    }

    // The end of a crashed child's output, where the runtime names the frames that recursed.
    private static string Tail(string output) => output.Length <= 4000 ? output : output[^4000..];
}
