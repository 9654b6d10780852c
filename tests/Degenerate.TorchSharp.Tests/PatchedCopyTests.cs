namespace Degenerate.Engines.TorchSharp.Tests;

/// <summary>Where the patched copy goes and when it is written, reused or not made at all.</summary>
public class PatchedCopyTests
{
    private const string Version = GlibcxxVersionFix.Version;

    private static string WriteLibrary(byte[] elf)
    {
        var path = Path.Combine(TestFiles.NewTempDirectory(), GlibcxxVersionFix.LibraryFileName);
        File.WriteAllBytes(path, elf);
        return path;
    }

    [Fact]
    public void An_unknown_build_with_the_need_is_patched_by_name_into_a_hash_named_folder()
    {
        var source = WriteLibrary(SyntheticElf.Needing("libstdc++.so.6", 0, "GLIBCXX_3.4.21", Version));
        var root = TestFiles.NewTempDirectory();
        var copy = GlibcxxVersionFix.PreparePatchedCopy(source, [root], out bool known);
        Assert.False(known);
        Assert.Equal(Path.Combine(root, TestFiles.Sha256(source)[..16], GlibcxxVersionFix.LibraryFileName), copy);
        Assert.False(ElfVersionPatch.HasStrongNeed(File.ReadAllBytes(copy!), Version));
        Assert.True(ElfVersionPatch.HasStrongNeed(File.ReadAllBytes(source), Version)); // source untouched
    }

    [Fact]
    public void An_unknown_build_without_the_need_is_never_patched_or_copied()
    {
        var source = WriteLibrary(SyntheticElf.Needing("libstdc++.so.6", 0, "GLIBCXX_3.4.21"));
        var root = TestFiles.NewTempDirectory();
        Assert.Null(GlibcxxVersionFix.PreparePatchedCopy(source, [root], out _));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public void A_root_that_cannot_hold_the_copy_falls_through_to_the_next()
    {
        var source = WriteLibrary(SyntheticElf.Needing("libstdc++.so.6", 0, Version));
        var blocked = Path.Combine(TestFiles.NewTempDirectory(), "a-file");
        File.WriteAllText(blocked, "not a folder"); // a read-only output behaves the same: the write fails
        var fallback = TestFiles.NewTempDirectory();
        var copy = GlibcxxVersionFix.PreparePatchedCopy(source, [blocked, fallback], out _);
        Assert.StartsWith(fallback, copy);

        var e = Assert.Throws<IOException>(() => GlibcxxVersionFix.PreparePatchedCopy(source, [blocked], out _));
        Assert.Contains(blocked, e.Message);
    }

    [Fact]
    public void A_correct_copy_is_reused_and_a_damaged_one_rewritten()
    {
        var source = WriteLibrary(SyntheticElf.Needing("libstdc++.so.6", 0, Version));
        var root = TestFiles.NewTempDirectory();
        var copy = GlibcxxVersionFix.PreparePatchedCopy(source, [root], out _)!;
        var expected = File.ReadAllBytes(copy);
        var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(copy, stamp);
        Assert.Equal(copy, GlibcxxVersionFix.PreparePatchedCopy(source, [root], out _));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy)); // not rewritten

        File.WriteAllBytes(copy, expected[..100]); // e.g. a crash mid-copy by an older tool
        GlibcxxVersionFix.PreparePatchedCopy(source, [root], out _);
        Assert.Equal(expected, File.ReadAllBytes(copy));
        Assert.Single(Directory.EnumerateFiles(Path.GetDirectoryName(copy)!)); // no temporary files left
    }
}
