using System.Security.Cryptography;

namespace Degenerate.Engines.TorchSharp;

/// <summary>
/// The Debian 12 fix for TorchSharp 0.107's <c>libLibTorchSharp.so</c>. It was linked by GCC 15 and declares a need
/// for <c>GLIBCXX_3.4.32</c> for one symbol that no relocation uses; a libstdc++ older than GCC 13's (Debian 12 has
/// 3.4.30) therefore makes the loader refuse the whole library. Marking that need weak in a copy lets it load, and
/// changes nothing where the version exists.
/// </summary>
internal static class GlibcxxVersionFix
{
    /// <summary>The version TorchSharp 0.107.0's library needs and Debian 12's libstdc++ lacks.</summary>
    internal const string Version = "GLIBCXX_3.4.32";

    /// <summary>SHA-256 of <c>runtimes/linux-x64/native/libLibTorchSharp.so</c> in the TorchSharp 0.107.0 package.</summary>
    internal const string KnownSha256 = "cf33b1b0bb6bbb9754a768fb5c5d04d9f498603be50e73f55621a0b40ee608b8";

    internal const string LibraryFileName = "libLibTorchSharp.so";

    /// <summary>The need decision: true when the given libstdc++ does not define <see cref="Version"/>.</summary>
    internal static bool LibStdCxxLacksVersion(string libStdCxxPath) =>
        !ElfVersionPatch.DefinesVersion(File.ReadAllBytes(libStdCxxPath), Version, libStdCxxPath);

    /// <summary>
    /// The libstdc++ this process uses: the one already mapped (the .NET runtime itself links it), else the one the
    /// loader finds for <c>libstdc++.so.6</c>; null when there is none.
    /// </summary>
    internal static string? FindProcessLibStdCxx()
    {
        if (MappedLibStdCxx() is { } mapped) return mapped;
        if (System.Runtime.InteropServices.NativeLibrary.TryLoad("libstdc++.so.6", out _) && MappedLibStdCxx() is { } loaded)
            return loaded;
        return null;
    }

    private static string? MappedLibStdCxx()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return null;
        foreach (var line in File.ReadLines(maps))
        {
            int slash = line.IndexOf('/');
            if (slash < 0) continue;
            var path = line[slash..];
            if (Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal) && File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>
    /// Returns the path of a copy of <paramref name="originalPath"/> with the <see cref="Version"/> need weak, written
    /// under the first writable folder of <paramref name="cacheRoots"/> (in a sub-folder named after the original's
    /// hash, so copies of different TorchSharp builds never mix), or null when the library has no such need (an
    /// unknown build may have dropped it; then it is never patched). A copy already there is reused only when it is
    /// byte for byte the expected patch.
    /// </summary>
    internal static string? PreparePatchedCopy(string originalPath, IReadOnlyList<string> cacheRoots, out bool knownBuild)
    {
        var image = File.ReadAllBytes(originalPath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(image));
        knownBuild = hash == KnownSha256;
        // An unknown build is patched only by name and only when the entry is there (SetWeak finds it or changes nothing).
        if (ElfVersionPatch.SetWeak(image, Version, originalPath) != VersionPatchResult.Patched) return null;

        var failures = new List<string>();
        foreach (var root in cacheRoots)
        {
            var target = Path.Combine(root, hash[..16], LibraryFileName);
            try
            {
                if (!File.Exists(target) || !File.ReadAllBytes(target).AsSpan().SequenceEqual(image))
                    ElfVersionPatch.WriteAtomically(target, image);
                return target;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{root}: {e.Message}");
            }
        }
        throw new IOException($"No folder could hold the patched copy of '{originalPath}': {string.Join("; ", failures)}.");
    }

    /// <summary>
    /// Where patched copies go, in order: beside the build output (found and cleaned with it), then the per-user
    /// cache (for a read-only install), then the temporary folder.
    /// </summary>
    internal static IReadOnlyList<string> DefaultCacheRoots()
    {
        var roots = new List<string> { Path.Combine(AppContext.BaseDirectory, "degenerate-torchsharp") };
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(xdg)) roots.Add(Path.Combine(xdg, "degenerate", "torchsharp"));
        else if (!string.IsNullOrEmpty(home)) roots.Add(Path.Combine(home, ".cache", "degenerate", "torchsharp"));
        roots.Add(Path.Combine(Path.GetTempPath(), $"degenerate-torchsharp-{Environment.UserName}"));
        return roots;
    }
}
