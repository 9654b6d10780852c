using System.Diagnostics;
using System.Reflection;

namespace Degenerate.AttackTests;

/// <summary>What a child attack run printed and how it ended.</summary>
internal sealed record ChildRun(int ExitCode, IReadOnlyDictionary<string, string> Cases, string Output)
{
    /// <summary>The line of one case ("ok ..." or "error Type: message"); fails naming the whole output if absent.</summary>
    public string this[string name] => Cases.TryGetValue(name, out var line) ? line
        : throw new Xunit.Sdk.XunitException($"case '{name}' printed nothing (exit {ExitCode}): {Output}");
}

/// <summary>Starts tests/Degenerate.AttackRunner in a child process on the engine this test process uses.</summary>
internal static class Child
{
    private static readonly string Runner = typeof(Child).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "AttackRunner").Value!;

    // Exit statuses of a process killed by a signal, as .NET reports them on Unix (128 + the signal).
    public static string Describe(int exit) => exit switch
    {
        134 => "134 (SIGABRT: aborted)",
        137 => "137 (SIGKILL: killed, e.g. out of memory)",
        139 => "139 (SIGSEGV: segmentation fault)",
        _ => exit.ToString(),
    };

    public static ProcessStartInfo StartInfo(string scenario, IEnumerable<string> args, Unprivileged? asUser = null)
    {
        var start = new ProcessStartInfo(asUser?.Tool ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asUser is not null)
        {
            foreach (var a in asUser.Arguments) start.ArgumentList.Add(a);
            start.ArgumentList.Add("dotnet");
            // The unprivileged user cannot write (or even enter) root's home: give the runtime a temporary one.
            start.Environment["HOME"] = Path.GetTempPath();
            start.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        }
        start.ArgumentList.Add(Runner);
        start.ArgumentList.Add(scenario);
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Runs a scenario to the end and asserts that the child exited normally (status 0: no crash).</summary>
    public static ChildRun Run(string scenario, params string[] args) => Run(scenario, null, args);

    /// <summary>As <see cref="Run(string, string[])"/>, as <paramref name="asUser"/> when it is not null.</summary>
    public static ChildRun Run(string scenario, Unprivileged? asUser, params string[] args) => Run(scenario, asUser, true, args);

    /// <summary>Runs a scenario to the end; with <paramref name="mustExit0"/> false a crash is returned, not asserted.</summary>
    public static ChildRun Run(string scenario, Unprivileged? asUser, bool mustExit0, params string[] args)
    {
        using var p = Process.Start(StartInfo(scenario, args, asUser))!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(180_000))
        {
            p.Kill(true);
            throw new TimeoutException($"attack '{scenario}' did not finish in 3 minutes: {stdout}");
        }
        var output = (stdout + stderr.Result).Trim();
        if (mustExit0) Assert.True(p.ExitCode == 0, $"attack '{scenario}' ended with status {Describe(p.ExitCode)} instead of 0: {output}");
        var cases = new Dictionary<string, string>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0) cases[line[..colon]] = line[(colon + 2)..].TrimEnd('\r');
        }
        return new ChildRun(p.ExitCode, cases, output);
    }
}
