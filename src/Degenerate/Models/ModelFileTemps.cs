namespace Degenerate.Models;

/// <summary>
/// The temporary files a save writes before renaming over its target: <c>.&lt;name&gt;.&lt;32 hex&gt;.dgtmp</c> in the
/// target's folder. A save killed mid-write leaves one behind; the next save to the same path removes it.
/// </summary>
internal static class ModelFileTemps
{
    // A temporary file is removed only when both guards agree that its writer is gone, because a save to the same
    // path may be running right now in another process. (1) Its writer holds it open with FileShare.None, which .NET
    // turns into an exclusive lock (flock on Unix, a share mode on Windows): we delete only what we can open the same
    // way. (2) Files written to in the last 15 minutes are kept anyway, for writers whose lock we cannot see (another
    // runtime, a network file system without flock). A writer that stalls past both loses only its own save: its
    // rename then fails and the target stays as it was.
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(15);

    public static string NewName(string dir, string name) =>
        Path.Combine(dir, $".{name}.{Guid.NewGuid():N}{ModelFile.TempExtension}");

    /// <summary>True for our temporary files of <paramref name="name"/>, including the ".tmp" ones of the first writer.</summary>
    public static bool IsOurs(string fileName, string name)
    {
        var prefix = "." + name + ".";
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var rest = fileName.AsSpan(prefix.Length);
        var ext = rest.EndsWith(ModelFile.TempExtension, StringComparison.Ordinal) ? ModelFile.TempExtension.Length
            : rest.EndsWith(".tmp", StringComparison.Ordinal) ? 4 : -1;
        if (ext < 0 || rest.Length != 32 + ext) return false;
        foreach (var c in rest[..32]) if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        return true;
    }

    public static void RemoveStale(string dir, string name)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(dir, ".*").Where(f => IsOurs(Path.GetFileName(f), name)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // cleaning up is a courtesy; the save itself reports any real problem with the folder
        }
        foreach (var file in candidates)
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) < StaleAfter) continue;
                // Opening fails while the writer still holds its lock; DeleteOnClose removes it under our own lock.
                using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use or not ours to delete: leave it.
            }
        }
    }
}
