// Degenerate's side of the GPU benchmark: the scenarios of ../scenarios.json, timed the way ../pytorch_bench.py times
// PyTorch eager on the same GPU, written as JSON for the side-by-side table (pytorch_bench.py compare).
//   dense_*   Keras-style Fit of a wide multilayer perceptron (float32, TF32 and bfloat16): throughput-bound
//   mle_*     logistic regression by Newton's method (the maximum-likelihood estimate) on N rows, in float64
//   balloon_* the balloon article's tiny MLP trained with batch 32: per-step overhead-bound
// Timings are per epoch (per Newton iteration), each ending with a read of the loss, so the GPU's queue is drained.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var options = BenchOptions.Parse(args);
if (options is null) return 2;
if (options.Info)
{
    // Preflight for run.sh: which libtorch the shim loaded, whether it has CUDA, and whether the asked device works.
    Console.WriteLine($"libtorch {Engine.TorchVersion}, CUDA {Engine.CudaVersion ?? "none"}, {Device.CudaDeviceCount} GPU(s), default device {Device.Default}");
    if (options.Device is null) return 0;
    try
    {
        using var probe = Tensor.Ones([2, 2], DType.Float32, Device.Parse(options.Device));
        using var product = probe.MatMul(probe);
        Console.WriteLine($"device {options.Device}: ok (a 2x2 product gave {product.Sum().Item()})");
        return 0;
    }
    catch (Exception e) when (e is InvalidOperationException or ArgumentException or TorchException)
    {
        Console.WriteLine($"device {options.Device}: {e.Message}");
        return 1;
    }
}
var spec = JsonNode.Parse(File.ReadAllText(options.SpecPath))![options.Scale]?.AsObject()
           ?? throw new ArgumentException($"scale '{options.Scale}' is not in {options.SpecPath}");
var device = options.Device is null ? Device.Default : Device.Parse(options.Device);

Console.WriteLine($"Degenerate GPU benchmark ({options.Scale}): libtorch {Engine.TorchVersion}, CUDA {Engine.CudaVersion ?? "none"}, " +
                  $"device {device}, {Engine.Threads} CPU threads");
var results = new JsonArray();
foreach (var key in Scenarios.Keys)
{
    if (options.Only.Count > 0 && !options.Only.Contains(key)) continue;
    JsonObject result;
    try
    {
        result = Scenarios.Run(key, spec, device);
    }
    catch (Exception e) when (e is TorchException or InvalidOperationException or ArgumentException or NotSupportedException)
    {
        result = new JsonObject { ["key"] = key, ["error"] = e.Message };
    }
    result["device"] = device.ToString();
    results.Add(result);
    Console.WriteLine(Scenarios.Describe(result));
}
var document = new JsonObject
{
    ["engine"] = "degenerate",
    ["libtorch"] = Engine.TorchVersion,
    ["cuda"] = Engine.CudaVersion,
    ["scale"] = options.Scale,
    ["results"] = results,
};
File.WriteAllText(options.OutPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"wrote {options.OutPath}");
return results.Any(r => r!["error"] is not null) ? 1 : 0;

internal sealed record BenchOptions(string Scale, string? Device, string SpecPath, string OutPath, HashSet<string> Only, bool Info)
{
    public static BenchOptions? Parse(string[] args)
    {
        string scale = "full", spec = Path.Combine(AppContext.BaseDirectory, "scenarios.json"), output = "degenerate.json";
        string? device = null;
        var info = false;
        var only = new HashSet<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--scale": scale = Next(); break;
                case "--device": device = Next(); break;
                case "--spec": spec = Next(); break;
                case "--out": output = Next(); break;
                case "--info": info = true; break;
                case "--only": only.UnionWith(Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                default:
                    Console.Error.WriteLine("usage: GpuBench [--info] [--scale full|quick] [--device cpu|cuda|cuda:N] [--only KEY,...] [--spec scenarios.json] [--out degenerate.json]");
                    Console.Error.WriteLine($"scenario keys: {string.Join(", ", Scenarios.Keys)}");
                    return null;
            }
        }
        return new BenchOptions(scale, device, spec, output, only, info);
    }
}

/// <summary>Records the wall time of each epoch; the epoch's figures are read (a device sync) before OnEpochEnd.</summary>
internal sealed class EpochTimer : Callback
{
    private readonly Stopwatch _clock = new();
    public List<double> Seconds { get; } = new();
    public override void OnEpochBegin(int epoch) => _clock.Restart();
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => Seconds.Add(_clock.Elapsed.TotalSeconds);
}

internal static class Scenarios
{
    public static readonly string[] Keys = ["dense_float32", "dense_tf32", "dense_bfloat16", "mle_float64", "balloon_float32"];

    public static JsonObject Run(string key, JsonObject spec, Device device) => key switch
    {
        "dense_float32" => Dense(spec["dense"]!.AsObject(), device, key, "float32"),
        "dense_tf32" => Dense(spec["dense"]!.AsObject(), device, key, "tf32"),
        "dense_bfloat16" => Dense(spec["dense"]!.AsObject(), device, key, "bfloat16"),
        "mle_float64" => Mle(spec["mle"]!.AsObject(), device, key),
        "balloon_float32" => Balloon(spec["balloon"]!.AsObject(), device, key),
        _ => throw new ArgumentException($"unknown scenario {key}"),
    };

    public static string Describe(JsonObject r)
    {
        if (r["error"] is { } e) return $"  {r["key"],-16} ERROR {e}";
        if (r["skipped"] is { } s) return $"  {r["key"],-16} skipped: {s}";
        return string.Create(CultureInfo.InvariantCulture,
            $"  {r["key"],-16} {(double)r["value"]!,14:N0} {r["unit"]}  ({(double)r["ms_per_step"]!:F3} ms/{r["step"]})  {r["check"]}");
    }

    private static int Int(JsonObject o, string name) => (int)o[name]!;

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    // A Keras-style Fit of width-wide ReLU layers then one linear output, MSE, Adam; random data made on the device.
    private static JsonObject Dense(JsonObject s, Device device, string key, string precision)
    {
        if (precision == "tf32" && device.Type != DeviceType.Cuda)
            return new JsonObject { ["key"] = key, ["skipped"] = "TF32 is a CUDA (tensor core) mode" };
        int rows = Int(s, "rows"), width = Int(s, "width"), hidden = Int(s, "hidden_layers"), batch = Int(s, "batch");
        int warmup = Int(s, "warmup_epochs"), epochs = Int(s, "epochs");
        var dtype = precision == "bfloat16" ? DType.BFloat16 : DType.Float32;
        Engine.AllowTF32(precision == "tf32");
        try
        {
            Degenerate.Random.Seed(0);
            using var x = Tensor.RandNormal([rows, width], 0, 1, dtype, device);
            using var y = Tensor.RandNormal([rows, 1], 0, 1, dtype, device);
            var layers = Enumerable.Range(0, hidden).Select(_ => (Layer)new Dense(width, "relu")).Append(new Dense(1)).ToArray();
            using var model = new Sequential(layers) { DType = dtype, Device = device };
            model.Build(width);
            model.Compile(new Adam(1e-4), "mse");
            var timer = new EpochTimer();
            var history = model.Fit(x, y, epochs: warmup + epochs, batchSize: batch, verbose: 0, callbacks: [timer]);
            var seconds = Median(timer.Seconds.Skip(warmup));
            var steps = (rows + batch - 1) / batch;
            return new JsonObject
            {
                ["key"] = key, ["dtype"] = precision, ["unit"] = "samples/s", ["value"] = rows / seconds,
                ["step"] = "step", ["ms_per_step"] = 1e3 * seconds / steps,
                ["epoch_seconds"] = new JsonArray(timer.Seconds.Select(t => (JsonNode)t).ToArray()),
                ["check"] = $"loss {history["loss"][0]:G4} -> {history["loss"][^1]:G4}",
                ["size"] = $"{rows} rows, {hidden} x Dense({width}, relu) + Dense(1), batch {batch}, Adam",
            };
        }
        finally
        {
            Engine.AllowTF32(false);
        }
    }

    // The logistic-regression MLE by Newton's method: beta += (X'WX)^-1 X'(y - mu), W = mu(1 - mu), all on the device.
    private static JsonObject Mle(JsonObject s, Device device, string key)
    {
        int rows = Int(s, "rows"), features = Int(s, "features"), warmup = Int(s, "warmup_iterations"), iterations = Int(s, "iterations");
        var k = features + 1;
        var truth = Enumerable.Range(0, k).Select(j => j == 0 ? -0.5 : (j % 2 == 0 ? 1.0 : -1.0) * j / features).ToArray();
        Degenerate.Random.Seed(0);
        using var scope = new DisposeScope();
        var x = Tensor.Cat([Tensor.Ones([rows, 1], DType.Float64, device), Tensor.RandNormal([rows, features], 0, 1, DType.Float64, device)], 1);
        var betaTrue = Tensor.FromArray(truth, [k, 1], device);
        var y = Tensor.RandUniform([rows, 1], 0, 1, DType.Float64, device).Lt(x.MatMul(betaTrue).Sigmoid()).To(DType.Float64);

        Newton(x, y, warmup).Dispose();
        Engine.Synchronize(device);
        var clock = Stopwatch.StartNew();
        using var beta = Newton(x, y, iterations);
        Engine.Synchronize(device);
        var seconds = clock.Elapsed.TotalSeconds;

        var estimate = beta.ToArray<double>();
        var error = estimate.Zip(truth, (a, b) => Math.Abs(a - b)).Max();
        var eta = x.MatMul(beta);
        var logLikelihood = (y * eta - eta.Softplus()).Sum().Item();
        return new JsonObject
        {
            ["key"] = key, ["dtype"] = "float64", ["unit"] = "rows*iterations/s", ["value"] = (double)rows * iterations / seconds,
            ["step"] = "iteration", ["ms_per_step"] = 1e3 * seconds / iterations,
            ["check"] = string.Create(CultureInfo.InvariantCulture, $"loglik {logLikelihood:F3}, max |beta - truth| {error:G3}"),
            ["beta"] = new JsonArray(estimate.Select(b => (JsonNode)b).ToArray()),
            ["size"] = $"{rows} rows, {features} features + intercept, {iterations} Newton iterations",
        };
    }

    private static Tensor Newton(Tensor x, Tensor y, int iterations)
    {
        Tensor beta;
        using (var start = new DisposeScope()) beta = start.Detach(Tensor.Zeros([x.Size(1), 1], DType.Float64, x.Device));
        for (var i = 0; i < iterations; i++)
        {
            using var scope = new DisposeScope();
            var mu = x.MatMul(beta).Sigmoid();
            var xt = x.T();
            var hessian = xt.MatMul(x * (mu * (1 - mu)));
            var next = beta + hessian.Solve(xt.MatMul(y - mu));
            scope.Detach(next);
            beta.Dispose();
            beta = next;
        }
        return beta;
    }

    // The balloon article's network (3 inputs, two Dense(16, relu), one output), batch 32: dominated by per-step cost.
    private static JsonObject Balloon(JsonObject s, Device device, string key)
    {
        int rows = Int(s, "rows"), batch = Int(s, "batch"), warmup = Int(s, "warmup_epochs"), epochs = Int(s, "epochs");
        Degenerate.Random.Seed(0);
        using var x = Tensor.RandNormal([rows, 3], 0, 1, DType.Float32, device);
        using var y = Tensor.RandNormal([rows, 1], 0, 1, DType.Float32, device);
        using var model = new Sequential(new Dense(16, "relu"), new Dense(16, "relu"), new Dense(1)) { Device = device };
        model.Build(3);
        model.Compile(new Adam(1e-3), "mse");
        var timer = new EpochTimer();
        var history = model.Fit(x, y, epochs: warmup + epochs, batchSize: batch, verbose: 0, callbacks: [timer]);
        var seconds = Median(timer.Seconds.Skip(warmup));
        var steps = (rows + batch - 1) / batch;
        return new JsonObject
        {
            ["key"] = key, ["dtype"] = "float32", ["unit"] = "samples/s", ["value"] = rows / seconds,
            ["step"] = "step", ["ms_per_step"] = 1e3 * seconds / steps,
            ["epoch_seconds"] = new JsonArray(timer.Seconds.Select(t => (JsonNode)t).ToArray()),
            ["check"] = $"loss {history["loss"][0]:G4} -> {history["loss"][^1]:G4}",
            ["size"] = $"{rows} rows, Dense(16, relu) x 2 + Dense(1), batch {batch}, Adam",
        };
    }
}
