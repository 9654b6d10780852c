// Runs risky scenarios against the library, one line per scenario on stdout:
//   "<scenario>: ok <detail>"  or  "<scenario>: error <exception type>: <message>"
// and exits 0 when every scenario returned or threw a managed exception. A crash (segfault, abort, out of memory)
// ends the process with another status before its line is written: that is what the attack tests look for.
// Usage: Degenerate.AttackRunner <scenario> [arguments...]; see Scenarios.cs for the list.
using Degenerate.AttackRunner;

if (args.Length == 0)
{
    Console.Error.WriteLine($"usage: Degenerate.AttackRunner <scenario> [args...]; scenarios: {string.Join(", ", Scenarios.Names)}");
    return 2;
}
return Scenarios.Run(args[0], args[1..]);
