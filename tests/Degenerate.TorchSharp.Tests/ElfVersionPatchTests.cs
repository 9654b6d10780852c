using System.Text.RegularExpressions;

namespace Degenerate.Engines.TorchSharp.Tests;

public class ElfVersionPatchTests
{
    private const string Version = GlibcxxVersionFix.Version;

    [SkippableFact]
    public void Flags_the_GLIBCXX_3_4_32_need_weak_in_a_copy_of_the_real_library_and_nothing_else()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "TorchSharp's Linux library is only in a Linux build output");
        var source = TestFiles.LibTorchSharp;
        var hashBefore = TestFiles.Sha256(source);
        var original = File.ReadAllBytes(source);
        var copy = Path.Combine(TestFiles.NewTempDirectory(), "libLibTorchSharp.so");

        Assert.Equal(VersionPatchResult.Patched, ElfVersionPatch.PatchCopy(source, copy, Version));

        var patched = File.ReadAllBytes(copy);
        var before = new ElfImage(original, source).VersionNeeds();
        var after = new ElfImage(patched, copy).VersionNeeds();
        Assert.Equal(before.Count, after.Count);
        var target = Assert.Single(after, n => n.Name == Version);
        Assert.Equal("libstdc++.so.6", target.File);
        Assert.Equal(ElfVersionPatch.VerFlgWeak, target.Flags & ElfVersionPatch.VerFlgWeak);
        // Every other need keeps its flags; exactly one byte of the file changed.
        for (int i = 0; i < before.Count; i++)
            if (before[i].Name != Version) Assert.Equal(before[i].Flags, after[i].Flags);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        int at = Assert.Single(changed);
        if (hashBefore == GlibcxxVersionFix.KnownSha256)
        {
            // Measured on 0.107.0 with readelf: vna_flags of that entry is at 0x3fa34, 0x00 before.
            Assert.Equal(0x3fa34, at);
            Assert.Equal((0x00, 0x02), (original[at], patched[at]));
        }
        Assert.Equal(hashBefore, TestFiles.Sha256(source)); // the package's file is untouched

        // An independent reader agrees.
        if (TestFiles.ReadElfVersions(copy) is { } readelf)
            Assert.Matches(new Regex($@"Name: {Regex.Escape(Version)}\s+Flags: WEAK"), readelf);
    }

    [SkippableFact]
    public void Patching_an_already_patched_copy_changes_nothing()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "TorchSharp's Linux library is only in a Linux build output");
        var image = File.ReadAllBytes(TestFiles.LibTorchSharp);
        Assert.Equal(VersionPatchResult.Patched, ElfVersionPatch.SetWeak(image, Version));
        var once = (byte[])image.Clone();
        Assert.Equal(VersionPatchResult.AlreadyWeak, ElfVersionPatch.SetWeak(image, Version));
        Assert.Equal(once, image);
        Assert.False(ElfVersionPatch.HasStrongNeed(image, Version));
    }

    [SkippableFact]
    public void Leaves_a_library_without_the_need_unchanged_and_writes_no_copy()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "libtorch's Linux libraries are only in a Linux build output");
        // libc10.so needs GLIBCXX versions up to 3.4.26 only.
        var source = Path.Combine(TestFiles.NativeDirectory, "libc10.so");
        var image = File.ReadAllBytes(source);
        var untouched = (byte[])image.Clone();
        Assert.Contains(new ElfImage(image, source).VersionNeeds(), n => n.Name.StartsWith("GLIBCXX_", StringComparison.Ordinal));

        Assert.Equal(VersionPatchResult.NotNeeded, ElfVersionPatch.SetWeak(image, Version));
        Assert.Equal(untouched, image);

        var copy = Path.Combine(TestFiles.NewTempDirectory(), "libc10.so");
        Assert.Equal(VersionPatchResult.NotNeeded, ElfVersionPatch.PatchCopy(source, copy, Version));
        Assert.False(File.Exists(copy));
    }

    [Fact]
    public void Finds_the_entry_by_name_in_a_synthetic_library_whatever_its_position()
    {
        var elf = SyntheticElf.Needing("libstdc++.so.6", 0, "GLIBCXX_3.4.9", Version, "CXXABI_1.3");
        Assert.Equal(VersionPatchResult.Patched, ElfVersionPatch.SetWeak(elf, Version));
        var flags = new ElfImage(elf, "synthetic").VersionNeeds().ToDictionary(n => n.Name, n => n.Flags);
        Assert.Equal(new Dictionary<string, ushort> { ["GLIBCXX_3.4.9"] = 0, [Version] = 2, ["CXXABI_1.3"] = 0 }, flags);
    }

    [Fact]
    public void Refuses_to_write_over_its_source()
    {
        var path = Path.Combine(TestFiles.NewTempDirectory(), "lib.so");
        File.WriteAllBytes(path, SyntheticElf.Needing("libstdc++.so.6", 0, Version));
        var before = File.ReadAllBytes(path);
        var e = Assert.Throws<ArgumentException>(() => ElfVersionPatch.PatchCopy(path, path, Version));
        Assert.Equal("destinationPath", e.ParamName);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Rejects_garbage_with_InvalidDataException_naming_e_ident()
    {
        var garbage = new byte[4096];
        new System.Random(7).NextBytes(garbage);
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.SetWeak(garbage, Version));
        Assert.Contains("e_ident", e.Message);
        Assert.Throws<InvalidDataException>(() => ElfVersionPatch.SetWeak(new byte[10], Version));
    }

    [SkippableFact]
    public void Rejects_a_truncated_library_with_InvalidDataException_naming_the_field()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "TorchSharp's Linux library is only in a Linux build output");
        // Cut before the section headers (they sit at the end of the file).
        var image = File.ReadAllBytes(TestFiles.LibTorchSharp)[..0x40000];
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.SetWeak(image, Version));
        Assert.Contains("e_shoff", e.Message);
        Assert.Contains("beyond the file", e.Message);
    }

    [Theory]
    [InlineData(2, 0x18, "sh_offset")]  // the version section placed past the end of the file
    [InlineData(2, 0x28, "sh_link")]    // its string table index out of range
    [InlineData(1, 0x20, "sh_size")]    // .dynstr longer than the file
    public void Rejects_a_crafted_section_header_naming_the_field(int section, int field, string named)
    {
        var elf = SyntheticElf.Needing("libstdc++.so.6", 0, Version);
        BitConverter.TryWriteBytes(elf.AsSpan(SyntheticElf.SectionHeaderField(elf, section, field)), field == 0x28 ? 99u : 1ul << 40);
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.SetWeak(elf, Version));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Rejects_a_name_outside_the_string_table_and_a_chain_leaving_the_section()
    {
        var elf = SyntheticElf.Needing("libstdc++.so.6", 0, Version);
        var verOffset = (int)BitConverter.ToUInt64(elf, SyntheticElf.SectionHeaderField(elf, 2, 0x18));
        var badName = (byte[])elf.Clone();
        BitConverter.TryWriteBytes(badName.AsSpan(verOffset + 16 + 8), 100_000u); // vna_name
        Assert.Contains("vna_name", Assert.Throws<InvalidDataException>(() => ElfVersionPatch.SetWeak(badName, Version)).Message);

        var badAux = (byte[])elf.Clone();
        BitConverter.TryWriteBytes(badAux.AsSpan(verOffset + 8), 4096u); // vn_aux
        Assert.Contains("Vernaux", Assert.Throws<InvalidDataException>(() => ElfVersionPatch.SetWeak(badAux, Version)).Message);
    }

    [SkippableFact]
    public void Synthetic_files_read_the_same_in_readelf()
    {
        var path = Path.Combine(TestFiles.NewTempDirectory(), "synthetic.so");
        File.WriteAllBytes(path, SyntheticElf.Defining("GLIBCXX_3.4", Version));
        var text = TestFiles.ReadElfVersions(path);
        Skip.If(text is null, "readelf (binutils) is not installed");
        Assert.Contains("Name: GLIBCXX_3.4", text);
        Assert.Contains($"Name: {Version}", text);
        File.WriteAllBytes(path, SyntheticElf.Needing("libstdc++.so.6", ElfVersionPatch.VerFlgWeak, Version));
        Assert.Matches(new Regex($@"Name: {Regex.Escape(Version)}\s+Flags: WEAK"), TestFiles.ReadElfVersions(path)!);
    }
}
