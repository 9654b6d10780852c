// Data-parallel training of a small regression network: every rank runs this same program.
//   degenerate launch --nproc-per-node 2 -- dotnet run --project examples/DataParallel
//   torchrun --nproc_per_node 2 -r 1 -t 1 --no_python dotnet run --project examples/DataParallel
// Without a launcher it trains in one process. Rank 0 prints and saves; every rank ends with the same weights.
using Degenerate.Distributed;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

Engine.Use("native");  // c10d lives in the native engine
using var group = DistributedEnvironment.Detect() is null ? null : ProcessGroup.Initialize();
var rank = group?.Rank ?? 0;

// The same data on every rank (as with PyTorch's DistributedSampler): y = sin(x0) + x1·x2 + noise.
const int rows = 4000;
var x = new float[rows, 3];
var y = new float[rows, 1];
var random = new System.Random(7);
for (var i = 0; i < rows; i++)
{
    for (var j = 0; j < 3; j++) x[i, j] = (float)(random.NextDouble() * 4 - 2);
    y[i, 0] = (float)(Math.Sin(x[i, 0]) + x[i, 1] * x[i, 2] + 0.05 * (random.NextDouble() - 0.5));
}

Degenerate.Random.Seed(42);
using var model = new Sequential(new Dense(32, activation: "relu", inputDim: 3), new Dense(32, activation: "relu"), new Dense(1));
model.Compile(optimizer: new Degenerate.Optimizers.Adam(0.01), loss: "mse", metrics: ["mae"]);
if (group is not null) model.Distribution = new DataParallel(group, seed: 1);

// batchSize is the global batch: each of the world's ranks computes its share of every batch.
var history = model.Fit(x, y, epochs: 10, batchSize: 64, validationSplit: 0.2, verbose: rank == 0 ? 2 : 0);
var evaluation = model.Evaluate(x, y, batchSize: 256);
if (rank == 0)
{
    Console.WriteLine($"world size {group?.WorldSize ?? 1}: final loss {history.Values["loss"][^1]:F5}, evaluate mae {evaluation["mae"]:F5}");
}
model.Save(Path.Combine(Path.GetTempPath(), "degenerate-data-parallel.dgm"));  // written by rank 0 only
