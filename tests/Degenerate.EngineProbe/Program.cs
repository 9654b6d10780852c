// Starts the engine the environment chooses, trains y = 2x + 1 for a few steps, and prints one line: "ok <engine
// description> <kernel> <bias>", or "error <exception type>: <message>" with exit code 1.
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

try
{
    if (args.Length == 1) Engine.Use(args[0]);
    Degenerate.Random.Seed(1);
    double[] x = [0, 1, 2, 3, 4];
    double[] y = x.Select(v => 2 * v + 1).ToArray();
    using var model = new Sequential(new Dense(1, inputDim: 1)) { Device = Device.CPU, DType = DType.Float64 };
    model.Compile(optimizer: new Degenerate.Optimizers.SGD(0.05), loss: "mse");
    model.Fit(x, y, epochs: 400, batchSize: 5, verbose: 0);
    var w = model.GetWeights().Select(t => { using (t) return t.ToArray<double>()[0]; }).ToArray();
    Console.WriteLine(FormattableString.Invariant($"ok {Engine.Describe()} | {w[0]:F6} {w[1]:F6}"));
    return 0;
}
catch (Exception e)
{
    Console.WriteLine($"error {e.GetType().Name}: {e.Message}");
    return 1;
}
