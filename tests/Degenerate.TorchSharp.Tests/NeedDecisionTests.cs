namespace Degenerate.Engines.TorchSharp.Tests;

public class NeedDecisionTests
{
    private static string Write(byte[] elf)
    {
        var path = Path.Combine(TestFiles.NewTempDirectory(), "libstdc++.so.6");
        File.WriteAllBytes(path, elf);
        return path;
    }

    [Fact]
    public void A_libstdcxx_that_stops_at_3_4_30_needs_the_fix()
    {
        var path = Write(SyntheticElf.Defining("GLIBCXX_3.4", "GLIBCXX_3.4.29", "GLIBCXX_3.4.30", "CXXABI_1.3.13"));
        Assert.True(GlibcxxVersionFix.LibStdCxxLacksVersion(path));
    }

    [Fact]
    public void A_libstdcxx_that_defines_3_4_32_does_not()
    {
        var path = Write(SyntheticElf.Defining("GLIBCXX_3.4", "GLIBCXX_3.4.30", "GLIBCXX_3.4.31", "GLIBCXX_3.4.32", "GLIBCXX_3.4.33"));
        Assert.False(GlibcxxVersionFix.LibStdCxxLacksVersion(path));
    }

    [Fact]
    public void A_version_named_only_as_a_need_is_not_a_definition()
    {
        // A library that itself needs 3.4.32 does not provide it.
        var path = Write(SyntheticElf.Needing("libstdc++.so.6", 0, "GLIBCXX_3.4.32"));
        Assert.True(GlibcxxVersionFix.LibStdCxxLacksVersion(path));
    }

    [SkippableFact]
    public void The_process_libstdcxx_is_judged_as_its_version_strings_say()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "libstdc++ is a Linux library");
        var path = GlibcxxVersionFix.FindProcessLibStdCxx();
        Assert.NotNull(path);
        Assert.StartsWith("libstdc++.so", Path.GetFileName(path));
        // Independent of the version walk: the NUL-terminated name appears among the file's strings iff it is defined
        // (libstdc++ defines every GLIBCXX version it has and needs none).
        var bytes = File.ReadAllBytes(path);
        bool hasString = bytes.AsSpan().IndexOf("\0GLIBCXX_3.4.32\0"u8) >= 0;
        Assert.Equal(!hasString, GlibcxxVersionFix.LibStdCxxLacksVersion(path));
    }
}
