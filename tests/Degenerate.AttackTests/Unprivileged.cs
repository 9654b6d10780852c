using System.Diagnostics;

namespace Degenerate.AttackTests;

/// <summary>
/// How a test running as root starts a child as the unprivileged user "nobody": root ignores permission bits, so a
/// child that must meet them (a file without read permission) has to drop root first. setpriv (util-linux) is
/// preferred, runuser the fallback; <see cref="Find"/> says why neither can be used when that is so.
/// </summary>
internal sealed record Unprivileged(string Tool, IReadOnlyList<string> Arguments)
{
    private static readonly string[] Directories = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    /// <summary>Whether this process runs as root (uid 0), for which permission bits do not apply.</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && Output("id", "-u") == "0";

    /// <summary>The way to run a child as nobody, or null with the reason it cannot be done here.</summary>
    public static (Unprivileged? Way, string Why) Find()
    {
        var gid = Output("id", "-g", "nobody");
        if (gid is null || !int.TryParse(gid, out _)) return (null, "there is no user 'nobody' to drop root to");
        if (Installed("setpriv") is { } setpriv)
            return (new Unprivileged(setpriv, ["--reuid=nobody", $"--regid={gid}", "--clear-groups"]), "");
        if (Installed("runuser") is { } runuser) return (new Unprivileged(runuser, ["-u", "nobody", "--"]), "");
        return (null, "neither setpriv nor runuser is installed, so the child cannot drop root (which ignores permission bits)");
    }

    private static string? Installed(string name) =>
        Directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static string? Output(string tool, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) start.ArgumentList.Add(a);
            using var p = Process.Start(start)!;
            var text = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
