namespace Degenerate.AttackTests;

/// <summary>
/// Saving a model, its Keras weights or its ONNX export where it cannot be written: a folder that does not exist
/// gives DirectoryNotFoundException and a read-only folder UnauthorizedAccessException, each naming the path, with
/// nothing left behind (no temporary files) and no crash.
/// </summary>
public sealed class UnwritableFolderTests : IDisposable
{
    private static readonly string[] Names = ["model.dgm", "model.weights.h5", "model.onnx"];
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-unwritable-").FullName;

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
            foreach (var d in Directory.EnumerateDirectories(_dir)) File.SetUnixFileMode(d, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void AMissingFolderIsNamed()
    {
        var paths = Names.Select(n => Path.Combine(_dir, "no", "such", n)).ToArray();
        var run = Child.Run("write", paths);
        foreach (var path in paths)
        {
            Assert.StartsWith("error DirectoryNotFoundException: ", run[path]);
            Assert.Contains(Path.GetDirectoryName(path)!, run[path]);
        }
        Assert.False(Directory.Exists(Path.Combine(_dir, "no")));
    }

    [SkippableFact]
    public void AReadOnlyFolderIsRefusedAndLeftEmpty()
    {
        if (OperatingSystem.IsWindows()) throw new SkipException("Unix permission bits");
        Unprivileged? asUser = null;
        if (Unprivileged.IsRoot)
        {
            // Root writes anywhere whatever the bits: the child drops to nobody, for whom the folder is read-only.
            var (way, why) = Unprivileged.Find();
            Skip.If(way is null, $"running as root and {why}");
            asUser = way;
            File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        }
        var locked = Path.Combine(_dir, "read-only");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var paths = Names.Select(n => Path.Combine(locked, n)).ToArray();
        var run = Child.Run("write", asUser, paths);
        foreach (var path in paths)
        {
            Assert.StartsWith("error UnauthorizedAccessException: ", run[path]);
            Assert.True(run[path].Contains(path, StringComparison.Ordinal), run[path]);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(locked));
    }
}
