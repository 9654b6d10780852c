using System.Globalization;
using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

// Usage: Degenerate.TrainingChild <backupDir> <weightsOut> <epochs> <msPerEpoch>
// Trains a small network with BackupAndRestore (every epoch), pausing msPerEpoch after each epoch so that a test can
// kill it mid-training; prints "resumed <epoch>" and writes the final weights (one number a line, round-trip format).
var backupDir = args[0];
var output = args[1];
var epochs = int.Parse(args[2], CultureInfo.InvariantCulture);
var pause = int.Parse(args[3], CultureInfo.InvariantCulture);

var x = new double[40, 3];
var y = new double[40, 1];
for (var i = 0; i < 40; i++)
{
    for (var j = 0; j < 3; j++) x[i, j] = Math.Sin(i * 0.7 + j * 1.9);
    y[i, 0] = Math.Cos(i * 0.3) + 0.5 * x[i, 1] - 0.25 * x[i, 2];
}
Degenerate.Random.Seed(5);
using var model = new Sequential(new Dense(6, "tanh", inputDim: 3), new Dense(1)) { Device = Device.CPU, DType = DType.Float64 };
model.Compile(new Adam(0.01), "mse");
var backup = new BackupAndRestore(backupDir);
var sleeper = new LambdaCallback(onEpochEnd: (_, _) => Thread.Sleep(pause));
model.Fit(x, y, epochs: epochs, batchSize: 8, shuffle: false, callbacks: [backup, sleeper], verbose: 0);
Console.WriteLine($"resumed {backup.RestoredEpoch}");
var weights = model.GetWeights();
File.WriteAllLines(output, weights.SelectMany(w => w.ToArray<double>()).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
foreach (var w in weights) w.Dispose();
