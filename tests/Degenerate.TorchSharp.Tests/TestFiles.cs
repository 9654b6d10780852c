using System.Diagnostics;
using System.Security.Cryptography;

namespace Degenerate.Engines.TorchSharp.Tests;

/// <summary>Paths and tools shared by the tests: the real TorchSharp natives in the output, temp folders, readelf.</summary>
internal static class TestFiles
{
    internal static string NativeDirectory =>
        TorchSharpLoader.FindNativeDirectory() ?? throw new InvalidOperationException(
            $"TorchSharp's runtimes/linux-x64/native folder is missing under {AppContext.BaseDirectory}");

    internal static string LibTorchSharp => Path.Combine(NativeDirectory, GlibcxxVersionFix.LibraryFileName);

    internal static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    // One folder per test process, removed when it exits (each holds a few copies of a 2.4 MB library).
    private static readonly Lazy<string> ProcessRoot = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "degenerate-ts-tests", Environment.ProcessId.ToString());
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return root;
    });

    internal static string NewTempDirectory()
    {
        var dir = Path.Combine(ProcessRoot.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Output of `readelf -V file`, or null when binutils is not installed.</summary>
    internal static string? ReadElfVersions(string path)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("readelf", ["-V", "-W", path])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? text : throw new InvalidOperationException($"readelf failed on {path}: {p.StandardError.ReadToEnd()}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
