// Reads a CSV file the way `degenerate glm` does (CsvTable.Load, then Dataset.From for every column but the target)
// and prints one JSON line: each read's CPU seconds (the process's, so the JIT and the GC count), the first one in a
// fresh process.
using System.Diagnostics;
using System.Globalization;
using Degenerate.Cli;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: CsvIngest <file.csv> <target column> [repeats]");
    return 2;
}
var repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
var seconds = new List<double>();
long rows = 0, features = 0;
for (var i = 0; i < repeats; i++)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var table = CsvTable.Load(args[0]);
    var data = Dataset.From(table, args[1], null, categoricalTarget: false);
    seconds.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    (rows, features) = (data.Rows, data.Features.Count);
}
Console.WriteLine(FormattableString.Invariant(
    $"{{\"rows\": {rows}, \"features\": {features}, \"seconds\": [{string.Join(", ", seconds.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))}]}}"));
return 0;
