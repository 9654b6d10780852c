// Data larger than memory: trains a regression network on a CSV file read batch by batch (CsvBatches), as a Keras
// user trains on a tf.data pipeline. Memory holds one batch at a time however many rows the file has; the program
// prints its peak resident memory so the claim can be measured (benchmarks/streaming_csv_memory.sh).
//
//   dotnet run --project examples/StreamingCsv                      # 200,000 generated rows in a temporary file
//   dotnet run --project examples/StreamingCsv -c Release -- --generate 1000000 --file /tmp/rows.csv
//   dotnet run --project examples/StreamingCsv -c Release -- --file /tmp/rows.csv --epochs 2
// Claim checked (non-zero exit otherwise): the network learns from the stream (the loss on the first 20 batches falls
// to under a quarter of the untrained network's).
using System.Diagnostics;
using System.Globalization;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;

var ci = CultureInfo.InvariantCulture;
string? file = null;
long generate = 0;
int batchSize = 1024, epochs = 1;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--file": file = args[++i]; break;
        case "--generate": generate = long.Parse(args[++i], ci); break;
        case "--batch": batchSize = int.Parse(args[++i], ci); break;
        case "--epochs": epochs = int.Parse(args[++i], ci); break;
        default:
            Console.Error.WriteLine("usage: StreamingCsv --file PATH [--generate ROWS] [--batch 1024] [--epochs 1]");
            return 2;
    }
}
var temporary = file is null;
if (file is null)
{
    file = Path.Combine(Path.GetTempPath(), $"degenerate-streaming-{Environment.ProcessId}.csv");
    if (generate == 0) generate = 200_000;
}
try
{

const int features = 8;
if (generate > 0)
{
    // y = Σ wⱼ xⱼ + sin(x₀) + noise, written row by row (the file is never in memory either).
    var clock = Stopwatch.StartNew();
    var random = new System.Random(1);
    using var writer = new StreamWriter(file, false, new System.Text.UTF8Encoding(false), 1 << 20);
    writer.WriteLine(string.Join(",", Enumerable.Range(0, features).Select(j => $"x{j}")) + ",y");
    var x = new double[features];
    for (long r = 0; r < generate; r++)
    {
        double y = 0;
        for (var j = 0; j < features; j++)
        {
            x[j] = random.NextDouble() * 2 - 1;
            y += (j + 1) * 0.1 * x[j];
            writer.Write(x[j].ToString("F5", ci));
            writer.Write(',');
        }
        y += Math.Sin(3 * x[0]) + 0.05 * (random.NextDouble() - 0.5);
        writer.WriteLine(y.ToString("F5", ci));
    }
    Console.WriteLine($"wrote {generate:N0} rows to {file} in {clock.Elapsed.TotalSeconds:F1} s");
}

Degenerate.Random.Seed(1);
using var model = new Sequential(new Dense(32, "relu", inputDim: features), new Dense(16, "relu"), new Dense(1));
model.Compile(new Adam(0.003), "mse");
var data = new CsvBatches(file, batchSize, targetColumns: [-1]);
var before = model.Evaluate(data, steps: 20)["loss"];
var watch = Stopwatch.StartNew();
var history = model.Fit(data, epochs: epochs, verbose: 2);
var seconds = watch.Elapsed.TotalSeconds;
var after = model.Evaluate(data, steps: 20)["loss"];
Console.WriteLine(string.Create(ci,
    $"trained {epochs} epoch(s) in {seconds:F1} s; last epoch loss {history["loss"][^1]:F5}; loss on the first 20 batches {before:F5} untrained, {after:F5} trained"));
Console.WriteLine($"peak_rss_mib {PeakResidentMiB().ToString("F1", ci)}");
if (!(after < before / 4))
{
    Console.Error.WriteLine("claim failed: the network did not learn from the stream");
    return 1;
}
return 0;
}
finally
{
    if (temporary && File.Exists(file)) File.Delete(file);
}

// VmHWM: the most resident memory the process has had (Linux); -1 elsewhere.
static double PeakResidentMiB()
{
    const string status = "/proc/self/status";
    if (!File.Exists(status)) return -1;
    var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null ? -1 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}
