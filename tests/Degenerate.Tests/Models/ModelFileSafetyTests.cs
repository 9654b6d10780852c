using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;
using static Degenerate.TestShared.ModelFileFraming;
using static Degenerate.Tests.Models.ModelFileCrafting;

namespace Degenerate.Tests.Models;

// Issue 14: large files, files that are not files, stale temporary files and paths without permission.
public sealed class ModelFileSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-safety-").FullName;

    public void Dispose()
    {
        Unprotect(_dir);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void AFileOver2GiBIsReadAsAStream()
    {
        // A sparse file just over 2 GiB with a well-formed frame: the reader must get as far as the checksum
        // (every byte read) instead of failing as File.ReadAllBytes did ("The file is too long").
        var path = Path.Combine(_dir, "big.dgm");
        var header = "{}"u8.ToArray();
        const long payload = (1L << 31) + 4096;
        using (var s = new FileStream(path, FileMode.CreateNew))
        {
            Span<byte> n = stackalloc byte[8];
            s.Write("DGNMODEL"u8);
            BinaryPrimitives.WriteUInt32LittleEndian(n, 1);
            s.Write(n[..4]);
            BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)header.Length);
            s.Write(n[..4]);
            s.Write(header);
            BinaryPrimitives.WriteUInt64LittleEndian(n, payload);
            s.Write(n);
            s.SetLength(s.Position + payload + 32); // zeros, not written: the checksum is all zeros too
        }
        var e = Assert.Throws<InvalidDataException>(() => Sequential.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("checksum", e.Message);
    }

    [SkippableTheory]
    [InlineData("cpu", DType.Float32)]
    [InlineData("cpu", DType.Float64)]
    [InlineData("cuda", DType.Float32)]
    [InlineData("cuda", DType.Float64)]
    public void WeightsLargerThanOneChunkRoundTripBitForBit(string deviceName, DType dtype)
    {
        // With the copy chunk shrunk to 40 bytes, every weight spans several chunks, some ending mid-weight.
        var device = TestDevices.Get(deviceName);
        using var model = new Sequential(new Dense(7, "tanh", inputDim: 5), new Dense(3)) { Device = device, DType = dtype };
        var path = Path.Combine(_dir, "chunked.dgm");
        var reference = Path.Combine(_dir, "whole.dgm");
        model.Save(reference);
        ModelFile.ChunkBytesOverride = 40;
        try
        {
            model.Save(path);
            using var loaded = Sequential.Load(path, device);
            var a = model.GetWeights();
            var b = loaded.GetWeights();
            for (var i = 0; i < a.Length; i++) Assert.True(a[i].ExactlyEquals(b[i]), $"weight {i} differs");
            foreach (var t in a.Concat(b)) t.Dispose();
        }
        finally
        {
            ModelFile.ChunkBytesOverride = null;
        }
        Assert.Equal(Split(File.ReadAllBytes(reference)).Payload, Split(File.ReadAllBytes(path)).Payload);
    }

    [Fact]
    public void SaveRefusesAHeaderOverTheLimitBeforeWriting()
    {
        using var model = Model();
        var path = Path.Combine(_dir, "limit.dgm");
        model.Save(path);
        var before = File.ReadAllBytes(path);
        ModelFile.MaxHeaderBytesOverride = 100;
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => model.Save(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("100", e.Message);
        }
        finally
        {
            ModelFile.MaxHeaderBytesOverride = null;
        }
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["limit.dgm"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [SkippableTheory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    [InlineData("/dev/urandom")]
    public void DevicesAreRejectedAtOnce(string device)
    {
        Skip.IfNot(File.Exists(device), $"{device} does not exist here");
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => Sequential.Load(device));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains(device, e.Message);
        Assert.Contains("not a regular file", e.Message);
    }

    [SkippableFact]
    public void AFifoIsRejectedWithoutWaitingForAWriter()
    {
        Skip.If(OperatingSystem.IsWindows(), "no FIFOs on Windows");
        var path = Path.Combine(_dir, "fifo.dgm");
        using (var mk = Process.Start("mkfifo", path)) mk.WaitForExit();
        var load = Task.Run(() => Sequential.Load(path));
        Assert.True(Task.WaitAny([load], TimeSpan.FromSeconds(10)) == 0, "Load blocked on a FIFO");
        var e = Assert.IsType<InvalidDataException>(load.Exception!.InnerException);
        Assert.Contains("not a regular file", e.Message);
    }

    [Fact]
    public void ADirectoryGetsAClearMessage()
    {
        var e = Assert.Throws<InvalidDataException>(() => Sequential.Load(_dir));
        Assert.Contains(_dir, e.Message);
        Assert.Contains("is a directory", e.Message);

        using var model = Model();
        var save = Assert.Throws<IOException>(() => model.Save(_dir));
        Assert.Contains("is a directory", save.Message);
    }

    [Fact]
    public void StaleTemporaryFilesOfThePathAreRemovedOnTheNextSave()
    {
        var path = Path.Combine(_dir, "m.dgm");
        string Temp(string name, string hex = "0123456789abcdef0123456789abcdef", string ext = "dgtmp") =>
            Path.Combine(_dir, $".{name}.{hex}.{ext}");
        var stale = Temp("m.dgm");
        var legacy = Temp("m.dgm", ext: "tmp"); // named as the writer before issue 14 named them
        var fresh = Temp("m.dgm", "fedcba9876543210fedcba9876543210"); // maybe being written right now
        var others = new[]
        {
            Temp("other.dgm"), Temp("m.dgm", "not-hex-at-all-not-hex-at-all-xx"), Temp("m.dgm", "0123"),
            Path.Combine(_dir, "m.dgm.bak"), Path.Combine(_dir, "m.dgm.0123456789abcdef0123456789abcdef.dgtmp"),
        };
        foreach (var f in others.Append(stale).Append(legacy).Append(fresh)) File.WriteAllText(f, "x");
        var old = DateTime.UtcNow - TimeSpan.FromHours(2);
        foreach (var f in others.Append(stale).Append(legacy)) File.SetLastWriteTimeUtc(f, old);

        using var model = Model();
        model.Save(path);

        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(legacy));
        Assert.True(File.Exists(fresh));
        Assert.All(others, f => Assert.True(File.Exists(f), $"{f} is not ours and must stay"));
        using var loaded = Sequential.Load(path);
    }

    [SkippableFact]
    public void AStaleTemporaryFileStillOpenForWritingIsKept()
    {
        Skip.If(OperatingSystem.IsWindows(), "Windows refuses the delete by itself");
        var path = Path.Combine(_dir, "w.dgm");
        var busy = Path.Combine(_dir, ".w.dgm.00000000000000000000000000000001.dgtmp");
        using (var writer = new FileStream(busy, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            writer.Write("partial"u8);
            writer.Flush();
            File.SetLastWriteTimeUtc(busy, DateTime.UtcNow - TimeSpan.FromHours(2)); // a writer stalled for hours
            using var model = Model();
            model.Save(path);
            Assert.True(File.Exists(busy), "a temporary file locked by its writer was deleted");
        }
    }

    [SkippableFact]
    public void APathWithoutPermissionGivesAClearExceptionAndKeepsTheOldFile()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "locked")).FullName;
        var path = Path.Combine(folder, "m.dgm");
        using var model = Model();
        model.Save(path);
        var before = File.ReadAllBytes(path);
        Skip.IfNot(Protect(folder), "cannot make a folder unwritable here (root without chattr)");

        model.SetWeights(new Array[] { new float[2, 3], new float[3], new float[3, 1], new float[1] });
        var e = Assert.Throws<UnauthorizedAccessException>(() => model.Save(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("permission", e.Message);
        Unprotect(folder);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["m.dgm"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    // chmod is enough for a normal user; root ignores it, so try the immutable attribute too.
    private static bool Protect(string folder)
    {
        if (OperatingSystem.IsWindows()) return false;
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (!CanWrite(folder)) return true;
        using (var p = Process.Start(new ProcessStartInfo("chattr", ["+i", folder]) { RedirectStandardError = true }))
            p!.WaitForExit();
        return !CanWrite(folder);
    }

    private static void Unprotect(string dir)
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (var folder in Directory.GetDirectories(dir).Append(dir))
        {
            try
            {
                using (var p = Process.Start(new ProcessStartInfo("chattr", ["-i", folder]) { RedirectStandardError = true }))
                    p!.WaitForExit();
            }
            catch (System.ComponentModel.Win32Exception) { } // no chattr: nothing was set with it
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool CanWrite(string folder)
    {
        var probe = Path.Combine(folder, "probe");
        try
        {
            File.WriteAllText(probe, "x");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
