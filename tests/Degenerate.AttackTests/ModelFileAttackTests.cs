using System.Text.Json.Nodes;
using static Degenerate.AttackTests.ModelFiles;
using static Degenerate.TestShared.ModelFileFraming;

namespace Degenerate.AttackTests;

/// <summary>
/// Malformed model files loaded in a child process, with Sequential.Load and with LoadWeights: every one must give
/// InvalidDataException naming the path (docs/model-format.md, "Limits and errors"), never a crash, a hang, another
/// exception type or garbage weights.
/// </summary>
public sealed class ModelFileAttackTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-attack-").FullName;

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
            foreach (var f in Directory.EnumerateFileSystemEntries(_dir)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(_dir, recursive: true);
    }

    private static Dictionary<string, byte[]> Crafted(byte[] valid)
    {
        var files = new Dictionary<string, byte[]>
        {
            ["empty"] = [],
            ["zeros"] = new byte[valid.Length],
            ["magic only"] = "DGNMODEL"u8.ToArray(),
            ["future version"] = Reseal(WithUInt32(valid, 8, 99)),
            ["version 0"] = Reseal(WithUInt32(valid, 8, 0)),
            ["header length 4 GiB"] = Reseal(WithUInt32(valid, 12, uint.MaxValue)),
            ["offset near long.MaxValue"] = EditHeader(valid, h => Weight(h, 1)["offset"] = long.MaxValue - 3),
            ["nbytes near long.MaxValue"] = EditHeader(valid, h => Weight(h, 3)["nbytes"] = long.MaxValue),
            ["negative offset"] = EditHeader(valid, h => Weight(h, 0)["offset"] = -8),
            ["shape 2^32 x 2^32"] = EditHeader(valid, h => Weight(h, 0)["shape"] = new JsonArray(4294967296L, 4294967296L)),
            ["huge layer"] = EditHeader(valid, h => { h["model"]!["layers"]![0]!["units"] = 2_000_000_000; h["model"]!["layers"]![1]!["input_dim"] = 2_000_000_000; }),
            ["weight table missing"] = EditHeader(valid, h => h.Remove("weights")),
            ["header not JSON"] = Frame(2, "{\"weights\": [{"u8.ToArray(), Split(valid).Payload),
            ["header is null"] = Frame(2, "null"u8.ToArray(), Split(valid).Payload),
        };
        var (version, header, payload) = Split(valid);
        // Strings that are not text (found by the fuzzer: they threw InvalidOperationException when first read).
        var text = System.Text.Encoding.UTF8.GetString(header);
        var name = text.IndexOf("\"dense\"", StringComparison.Ordinal) + 1;
        var badUtf8 = (byte[])header.Clone();
        badUtf8[System.Text.Encoding.UTF8.GetByteCount(text[..name])] = 0xFF;
        files["invalid UTF-8 in a layer name"] = Frame(version, badUtf8, payload);
        files["lone surrogate escape in a layer name"] = Frame(version,
            System.Text.Encoding.UTF8.GetBytes(text[..name] + "\\ud800" + text[(name + 5)..]), payload);
        files["payload length near ulong.MaxValue"] = Frame(version, header, payload, payloadLength: ulong.MaxValue - 7);
        files["payload length short"] = Frame(version, header, payload, payloadLength: (ulong)payload.Length - 4);
        foreach (var cut in new[] { 1, 15, 16, 23, 40, valid.Length / 2, valid.Length - 33, valid.Length - 1 })
            files[$"truncated to {cut}"] = valid[..cut];
        // Bit flips everywhere, as they come (the checksum catches them) and resealed (the reader's checks must).
        for (var i = 0; i < valid.Length - 32; i += Math.Max(1, valid.Length / 24))
        {
            var flipped = (byte[])valid.Clone();
            flipped[i] ^= (byte)(1 << (i % 8));
            files[$"bit {i % 8} of byte {i} flipped"] = flipped;
            if (i < 24 + header.Length) files[$"bit {i % 8} of byte {i} flipped, resealed"] = Reseal(flipped);
        }
        return files;
    }

    private static byte[] WithUInt32(byte[] file, int at, uint value)
    {
        var copy = (byte[])file.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    [Theory]
    [InlineData("load")]
    [InlineData("load-weights")]
    public void EveryCraftedFileGivesInvalidDataExceptionNamingThePath(string how)
    {
        var valid = Valid();
        var paths = new Dictionary<string, string>();
        foreach (var (name, bytes) in Crafted(valid))
        {
            var path = Path.Combine(_dir, $"{paths.Count:D3}.dgm");
            File.WriteAllBytes(path, bytes);
            paths[path] = name;
        }
        var validPath = Path.Combine(_dir, "valid.dgm");
        File.WriteAllBytes(validPath, valid);
        var run = Child.Run(how, [validPath, .. paths.Keys]);

        Assert.StartsWith("ok 2 layers, weight sums ", run[validPath]);
        foreach (var (path, name) in paths)
        {
            var line = run[path];
            // A resealed flip in the JSON may still be a valid file (a digit of a weight name's number, say): then
            // it must load completely. Everything else is refused with the documented type.
            if (name.EndsWith("resealed", StringComparison.Ordinal) && line.StartsWith("ok ", StringComparison.Ordinal)) continue;
            Assert.True(line.StartsWith("error InvalidDataException: ", StringComparison.Ordinal), $"{name}: {line}");
            Assert.Contains(path, line);
        }
    }

    [SkippableFact]
    public void SpecialPathsAreRefusedAtOnce()
    {
        Skip.If(OperatingSystem.IsWindows(), "FIFOs, /dev/zero and Unix permissions");
        var fifo = Path.Combine(_dir, "fifo.dgm");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        var missing = Path.Combine(_dir, "missing.dgm");
        var run = Child.Run("load", _dir, "/dev/zero", fifo, missing);

        Assert.StartsWith("error InvalidDataException: ", run[_dir]);
        Assert.Contains("directory", run[_dir]);
        Assert.StartsWith("error InvalidDataException: ", run["/dev/zero"]);
        Assert.Contains("not a regular file", run["/dev/zero"]);
        Assert.StartsWith("error InvalidDataException: ", run[fifo]); // refused before opening: a FIFO would block
        Assert.Contains("not a regular file", run[fifo]);
        Assert.StartsWith("error FileNotFoundException: ", run[missing]);
    }

    [SkippableFact]
    public void AFileWithoutReadPermissionIsRefused()
    {
        if (OperatingSystem.IsWindows()) throw new SkipException("Unix permission bits");
        Unprivileged? asUser = null;
        if (Unprivileged.IsRoot)
        {
            // Root reads any file whatever its bits (as in CI): the child drops to nobody, who must be able to reach
            // the file (the temporary folder is owner-only) but not read it.
            var (way, why) = Unprivileged.Find();
            Skip.If(way is null, $"running as root and {why}");
            asUser = way;
            File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        }
        var locked = Path.Combine(_dir, "locked.dgm");
        var readable = Path.Combine(_dir, "readable.dgm");
        File.WriteAllBytes(locked, Valid());
        File.Copy(locked, readable);
        File.SetUnixFileMode(locked, UnixFileMode.None);
        File.SetUnixFileMode(readable, UnixFileMode.UserRead | UnixFileMode.OtherRead);
        var run = Child.Run("load", asUser, locked, readable);

        // The readable copy proves the child really ran (as nobody, when root) and could load a file at all.
        Assert.StartsWith("ok 2 layers, weight sums ", run[readable]);
        Assert.StartsWith("error UnauthorizedAccessException: ", run[locked]);
        Assert.Contains(locked, run[locked]);
    }
}
