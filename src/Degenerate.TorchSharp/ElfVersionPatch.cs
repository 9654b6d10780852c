using System.Buffers.Binary;

namespace Degenerate.Engines.TorchSharp;

/// <summary>
/// Marks one symbol-version need of an ELF64 shared library weak (<c>VER_FLG_WEAK</c> in the Vernaux entry's
/// <c>vna_flags</c>), so the dynamic loader accepts a libstdc++ that lacks that version instead of refusing the
/// library. The entry is found by walking <c>.gnu.version_r</c> and comparing names in its linked string table, never
/// by a fixed offset. The original file is never written: the patch goes to a copy.
/// </summary>
internal static class ElfVersionPatch
{
    /// <summary>The GNU flag that makes a missing version a warning for the loader rather than an error.</summary>
    internal const ushort VerFlgWeak = 0x2;

    /// <summary>Sets the weak flag on every Vernaux entry named <paramref name="versionName"/> in an in-memory image.</summary>
    internal static VersionPatchResult SetWeak(byte[] image, string versionName, string source = "library")
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(versionName);
        var needs = new ElfImage(image, source).VersionNeeds().Where(n => n.Name == versionName).ToList();
        if (needs.Count == 0) return VersionPatchResult.NotNeeded;
        if (needs.All(n => (n.Flags & VerFlgWeak) != 0)) return VersionPatchResult.AlreadyWeak;
        foreach (var n in needs)
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan((int)n.FlagsOffset), (ushort)(n.Flags | VerFlgWeak));
        return VersionPatchResult.Patched;
    }

    /// <summary>
    /// Reads <paramref name="sourcePath"/>, and when it has a non-weak need for <paramref name="versionName"/> writes a
    /// copy with that need weak to <paramref name="destinationPath"/> (atomically: a temporary file, then a rename, so
    /// a concurrent process never loads half a file). Otherwise writes nothing.
    /// </summary>
    internal static VersionPatchResult PatchCopy(string sourcePath, string destinationPath, string versionName)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(destinationPath);
        if (string.Equals(Path.GetFullPath(sourcePath), Path.GetFullPath(destinationPath), StringComparison.Ordinal))
            throw new ArgumentException($"destinationPath '{destinationPath}' is the source itself; the original must stay untouched.", nameof(destinationPath));
        var image = File.ReadAllBytes(sourcePath);
        var result = SetWeak(image, versionName, sourcePath);
        if (result == VersionPatchResult.Patched) WriteAtomically(destinationPath, image);
        return result;
    }

    /// <summary>True when the library lists a need for <paramref name="versionName"/> that is not weak.</summary>
    internal static bool HasStrongNeed(byte[] image, string versionName, string source = "library") =>
        new ElfImage(image, source).VersionNeeds().Any(n => n.Name == versionName && (n.Flags & VerFlgWeak) == 0);

    /// <summary>True when the library defines <paramref name="versionName"/> in its <c>.gnu.version_d</c>.</summary>
    internal static bool DefinesVersion(byte[] image, string versionName, string source = "library") =>
        new ElfImage(image, source).VersionDefinitions().Contains(versionName);

    internal static void WriteAtomically(string path, byte[] bytes)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
