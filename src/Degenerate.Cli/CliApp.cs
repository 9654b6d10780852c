using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;

namespace Degenerate.Cli;

/// <summary>
/// The <c>degenerate</c> command: <c>glm</c> fits a generalized linear model to a CSV file and prints a
/// statsmodels-style summary (or JSON); <c>predict</c> gives predictions with intervals from a saved fit; <c>ladder</c> sets the GLM beside a small network on a validation split.
/// Exit codes: 0 success, 1 an unexpected failure, 2 bad input (options, file, columns, cells).
/// </summary>
public static class CliApp
{
    /// <summary>Exit code for bad input: a bad option, file, column or cell.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for an unexpected failure (a bug or an engine error).</summary>
    public const int InternalError = 1;

    /// <summary>
    /// Runs the command line <paramref name="args"/>, writing results to <paramref name="stdout"/> and problems to
    /// <paramref name="stderr"/> (one line each), and returns the process exit code. Formatting is culture-invariant.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            // A plain Command named "degenerate" rather than RootCommand, whose name would be the assembly's.
            var root = new Command("degenerate", "GLMs with statsmodels' statistics and predictions, and the regression-vs-network ladder, on CSV files.")
            {
                new HelpOption(),
                new VersionOption(),
                GlmCommand.Create(stdout, stderr),
                PredictCommand.Create(stdout, stderr),
                LadderCommand.Create(stdout, stderr),
                LaunchCommand.Create(stdout, stderr),
            };
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                // System.CommandLine would print every error plus the whole help text; the contract is one line, exit 2.
                var command = parsed.CommandResult.Command;
                var name = command == root ? "degenerate" : $"degenerate {command.Name}";
                stderr.WriteLine($"error: {parsed.Errors[0].Message} (see '{name} --help')");
                return UsageError;
            }
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    /// <summary>
    /// Runs a command body, turning a <see cref="UsageException"/> (and an <see cref="ArgumentException"/> from the
    /// library, which names the bad argument, and a <see cref="NotSupportedException"/> for an option the library cannot
    /// serve yet) into one "error:" line and exit code 2, anything else into exit code 1.
    /// </summary>
    internal static int Guard(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            return UsageError;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            return UsageError;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: unexpected failure ({e.GetType().Name}): {OneLine(e.Message)}");
            return InternalError;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
