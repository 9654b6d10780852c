using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Degenerate.Initializers;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Benchmarks.SideBySide;

/// <summary>
/// The suite's scenarios on Degenerate's side, on whichever engine this process runs; the names and parameters match
/// benchmarks/harness.py. A request with <c>"anchor": "torchsharp"</c> goes to <see cref="TorchSharpAnchor"/>.
/// </summary>
internal static partial class Scenarios
{
    public static JsonObject Run(JsonObject request)
    {
        var anchor = (string?)request["anchor"];
        if (anchor == "torchsharp") return TorchSharpAnchor.Run(request);
        if (anchor is not null) throw new ArgumentException($"unknown anchor '{anchor}'");
        var name = (string)request["scenario"]!;
        var eager = (bool?)request["eager"] ?? false;
        return name switch
        {
            "seed000" => Seed000((int)request["epochs"]!, eager),
            "balloon" => Balloon((int)request["rows"]!, eager),
            "minibatch" => Minibatch((string)request["x"]!, (string)request["y"]!, (long)request["rows"]!, (int)request["cols"]!, eager),
            "predict" => Predict((long)request["rows"]!, eager),
            "glm" => Glm((string)request["x"]!, (string)request["y"]!, (long)request["rows"]!, (int)request["cols"]!),
            "bandwidth" => Bandwidth((long)request["bytes"]!),
            "memory-steps" => MemorySteps((int)request["steps"]!, eager),
            _ => throw new ArgumentException($"unknown scenario '{name}'"),
        };
    }

    // The 4-point table of ../shared/seeds/smallest-neural-network.txt, the delta rule as Keras training: Dense(1,
    // sigmoid), float64, weights and bias starting at 0.2, SGD lr 0.7, batch 1, no shuffle, binary cross-entropy.
    private static JsonObject Seed000(int epochs, bool eager)
    {
        double[,] x = { { 1, 0 }, { 0, 0 }, { 1, 1 }, { 0, 1 } };
        double[] y = [0, 1, 0, 1];
        using var model = new Sequential(new Dense(1, "sigmoid", inputDim: 2, kernelInitializer: new Constant(0.2),
            biasInitializer: new Constant(0.2))) { DType = DType.Float64, Device = Device.CPU, RunEagerly = eager };
        model.Compile(new SGD(0.7), "binary_crossentropy");
        var clock = Stopwatch.StartNew();
        model.Fit(x, y, epochs: epochs, batchSize: 1, shuffle: false, verbose: 0);
        var seconds = clock.Elapsed.TotalSeconds;
        var weights = model.GetWeights();
        var flat = new JsonArray();
        foreach (var w in weights)
        {
            foreach (var v in w.ToArray<double>()) flat.Add(v);
            w.Dispose();
        }
        return new JsonObject { ["seconds"] = seconds, ["steps"] = 4L * epochs, ["weights"] = flat };
    }

    // The balloon MLP 3-16-16-1 (relu, relu, sigmoid), float32, binary cross-entropy, Adam, batch 32, one shuffled epoch.
    private static Sequential BalloonModel(bool eager)
    {
        var model = new Sequential(new Dense(16, "relu", inputDim: 3), new Dense(16, "relu"), new Dense(1, "sigmoid"))
        {
            Device = Device.CPU,
            RunEagerly = eager,
        };
        model.Compile(new Adam(), "binary_crossentropy");
        return model;
    }

    internal static (float[,] X, float[] Y) BalloonData(int rows)
    {
        var rng = new System.Random(1);
        var x = new float[rows, 3];
        var y = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = (float)(rng.NextDouble() * 2 - 1);
            y[i] = x[i, 0] + 0.5f * x[i, 1] * x[i, 2] > 0 ? 1 : 0;
        }
        return (x, y);
    }

    private static JsonObject Balloon(int rows, bool eager)
    {
        var (x, y) = BalloonData(rows);
        using var xt = Tensor.FromArray(x);
        using var yt = Tensor.FromArray(y, [rows, 1]);
        using var model = BalloonModel(eager);
        using (var wx = xt.Slice(0, 0, 256))
        using (var wy = yt.Slice(0, 0, 256))
            model.Fit(wx, wy, epochs: 1, batchSize: 32, verbose: 0);  // warm-up
        var clock = Stopwatch.StartNew();
        var history = model.Fit(xt, yt, epochs: 1, batchSize: 32, verbose: 0);
        var seconds = clock.Elapsed.TotalSeconds;
        return new JsonObject { ["seconds"] = seconds, ["steps"] = (rows + 31) / 32, ["loss"] = history["loss"][^1] };
    }

    private static readonly Dictionary<string, (Tensor X, Tensor Y)> Loaded = new();

    private static (Tensor X, Tensor Y) Load(string xPath, string yPath, long rows, int cols, DType dtype)
    {
        var key = $"{xPath}|{dtype}";
        if (Loaded.TryGetValue(key, out var cached)) return cached;
        foreach (var old in Loaded.Values)
        {
            old.X.Dispose();
            old.Y.Dispose();
        }
        Loaded.Clear();
        var x = ReadMatrix(xPath, rows, cols);
        var y = ReadVector(yPath, rows);
        var xt = Tensor.FromArray(x, Device.CPU, dtype);
        var yt = Tensor.FromArray(y, [rows, 1], Device.CPU, dtype);
        Loaded[key] = (xt, yt);
        return (xt, yt);
    }

    internal static double[,] ReadMatrix(string path, long rows, int cols)
    {
        var data = new double[rows, cols];
        using var f = File.OpenRead(path);
        var bytes = MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref data[0, 0], checked((int)(rows * cols))));
        f.ReadExactly(bytes);
        return data;
    }

    internal static double[] ReadVector(string path, long rows)
    {
        var data = new double[rows];
        using var f = File.OpenRead(path);
        f.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
        return data;
    }

    // Minibatch Adam on the logistic data in float32: Dense(1, sigmoid), batch 1024, one shuffled epoch.
    private static JsonObject Minibatch(string xPath, string yPath, long rows, int cols, bool eager)
    {
        var (x, y) = Load(xPath, yPath, rows, cols, DType.Float32);
        using var model = new Sequential(new Dense(1, "sigmoid", inputDim: cols)) { Device = Device.CPU, RunEagerly = eager };
        model.Compile(new Adam(), "binary_crossentropy");
        var clock = Stopwatch.StartNew();
        var history = model.Fit(x, y, epochs: 1, batchSize: 1024, verbose: 0);
        var seconds = clock.Elapsed.TotalSeconds;
        return new JsonObject { ["seconds"] = seconds, ["steps"] = (rows + 1023) / 1024, ["loss"] = history["loss"][^1] };
    }

    private static Tensor? _predictInput;

    // Keras predict of `rows` rows through the balloon MLP (float32), default batch size. Every contender first
    // predicts 256 rows untimed (as the balloon scenario's warm-up fit): a process's first call pays one-time costs (here
    // the JIT compiling the kernel, tens of milliseconds), which a median of 3 would otherwise take in.
    private static JsonObject Predict(long rows, bool eager)
    {
        if (_predictInput is null || _predictInput.Size(0) != rows)
        {
            _predictInput?.Dispose();
            _predictInput = Tensor.RandUniform([rows, 3], -1, 1, DType.Float32, Device.CPU);
        }
        using var model = BalloonModel(eager);
        using (var head = _predictInput.Slice(0, 0, Math.Min(256, rows)))
        using (model.Predict(head))
        {
        }
        var clock = Stopwatch.StartNew();
        using var output = model.Predict(_predictInput);
        var seconds = clock.Elapsed.TotalSeconds;
        return new JsonObject { ["seconds"] = seconds, ["rows"] = rows };
    }

    // The machine's memory bandwidth as libtorch sees it: a large tensor copy (read + write).
    private static JsonObject Bandwidth(long bytes)
    {
        using var source = Tensor.Ones([bytes / 4], DType.Float32, Device.CPU);
        using var target = Tensor.Zeros([bytes / 4], DType.Float32, Device.CPU);
        target.CopyFrom(source);
        var best = double.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            target.CopyFrom(source);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return new JsonObject { ["seconds"] = best, ["gbps"] = 2.0 * bytes / best / 1e9 };
    }

    // Resident memory over `steps` balloon training steps (epochs of 8,000 rows), sampled after every epoch.
    private static JsonObject MemorySteps(int steps, bool eager)
    {
        // Start from this scenario's own memory: drop the data earlier scenarios kept loaded.
        foreach (var old in Loaded.Values)
        {
            old.X.Dispose();
            old.Y.Dispose();
        }
        Loaded.Clear();
        Arrays.Clear();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var (x, y) = BalloonData(8000);
        using var xt = Tensor.FromArray(x);
        using var yt = Tensor.FromArray(y, [8000, 1]);
        using var model = BalloonModel(eager);
        var samples = new JsonArray();
        var done = 0;
        var clock = Stopwatch.StartNew();
        while (done < steps)
        {
            model.Fit(xt, yt, epochs: 1, batchSize: 32, verbose: 0);
            done += 250;
            var rss = ResidentMegabytes();
            // GC.GetGCMemoryInfo describes the last collection (stale before the first): take the larger of it and
            // the bytes the heap holds now.
            var managed = Math.Max(GC.GetGCMemoryInfo().TotalCommittedBytes, GC.GetTotalMemory(false)) / 1048576.0;
            // Native memory: the resident set less what the .NET GC has committed for managed objects.
            samples.Add(new JsonObject
            {
                ["steps"] = done, ["rss_mb"] = rss, ["managed_mb"] = managed, ["native_mb"] = rss - managed,
                ["tensors"] = Tensor.LiveCount,
            });
        }
        return new JsonObject { ["seconds"] = clock.Elapsed.TotalSeconds, ["samples"] = samples };
    }

    internal static double ResidentMegabytes(string field = "VmRSS")
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return double.NaN;
    }
}
