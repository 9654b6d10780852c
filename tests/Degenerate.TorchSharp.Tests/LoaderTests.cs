using TorchSharp;

namespace Degenerate.Engines.TorchSharp.Tests;

public class LoaderTests
{
    public LoaderTests() => TorchSharpLoader.EnsureLoaded();

    [SkippableFact]
    public void The_fix_is_applied_exactly_when_the_process_libstdcxx_lacks_the_version()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture
            == System.Runtime.InteropServices.Architecture.X64, "the fix concerns Linux x64 only");
        var info = TorchSharpLoader.LoadInfo!;
        var libStdCxx = GlibcxxVersionFix.FindProcessLibStdCxx()!;
        Assert.Equal(GlibcxxVersionFix.LibStdCxxLacksVersion(libStdCxx), info.FixApplied);
        if (!info.FixApplied) return;

        // The patched copy lives outside the package folders, and the package's file is still the one shipped.
        Assert.Equal(TestFiles.NativeDirectory, info.NativeDirectory);
        Assert.StartsWith(Path.Combine(AppContext.BaseDirectory, "degenerate-torchsharp"), info.LibTorchSharpPath);
        Assert.False(ElfVersionPatch.HasStrongNeed(File.ReadAllBytes(info.LibTorchSharpPath!), GlibcxxVersionFix.Version));
        Assert.Equal(GlibcxxVersionFix.KnownSha256, TestFiles.Sha256(TestFiles.LibTorchSharp));
        Assert.True(info.KnownBuild);
        // TorchSharp's own fallback (copying ~480 MB of natives into a cpu/ folder, then failing) never ran.
        Assert.False(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu")));
        // The process holds exactly the patched LibTorchSharp and the package's libtorch, not the system's.
        var maps = File.ReadAllLines("/proc/self/maps").Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..] : "").Distinct().ToList();
        Assert.Equal([info.LibTorchSharpPath!], maps.Where(p => p.EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal)));
        Assert.Equal([Path.Combine(TestFiles.NativeDirectory, "libtorch_cpu.so")], maps.Where(p => p.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_library_that_cannot_load_gives_one_exception_naming_what_to_install()
    {
        var dir = TestFiles.NewTempDirectory();
        var missing = Path.Combine(dir, "libmissing.so");
        var garbage = Path.Combine(dir, "libgarbage.so");
        File.WriteAllBytes(garbage, new byte[512]);
        foreach (var path in new[] { missing, garbage })
        {
            var e = Assert.Throws<DllNotFoundException>(() => TorchSharpLoader.Preload(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("TorchSharp-cpu 0.107.0", e.Message);
            Assert.Contains("DEGENERATE_ENGINE=native", e.Message);
        }
    }

    [Fact]
    public void TorchSharp_reports_libtorch_2_10()
    {
        Assert.StartsWith("2.10", torch.__version__);
    }

    [Fact]
    public void EnsureLoaded_is_idempotent_and_safe_from_many_threads()
    {
        var info = TorchSharpLoader.LoadInfo;
        Parallel.For(0, 16, _ => TorchSharpLoader.EnsureLoaded());
        Assert.Same(info, TorchSharpLoader.LoadInfo);
    }

    [Fact]
    public void Threads_are_set_explicitly_and_a_bad_count_is_refused()
    {
        try
        {
            TorchSharpLoader.EnsureLoaded(1);
            Assert.Equal(1, torch.get_num_threads());
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => TorchSharpLoader.EnsureLoaded(0));
            Assert.Equal("intraOpThreads", e.ParamName);
            Assert.Equal(1, torch.get_num_threads());
        }
        finally
        {
            TorchSharpLoader.EnsureLoaded(Environment.ProcessorCount);
        }
        Assert.Equal(Environment.ProcessorCount, torch.get_num_threads());
    }
}
