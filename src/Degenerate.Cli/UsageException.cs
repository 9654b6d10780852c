namespace Degenerate.Cli;

/// <summary>
/// A problem with what the user gave the command (a file, a column, a cell, an option): the CLI prints its message
/// as one line on stderr and exits with code 2, without a stack trace.
/// </summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> is the whole line the user sees (after "error: ").</summary>
    public UsageException(string message) : base(message)
    {
    }
}
