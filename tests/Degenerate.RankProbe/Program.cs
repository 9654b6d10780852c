// One rank of a distributed test. The group comes from DG_FILE_STORE (a FileStore path) with RANK and WORLD_SIZE, or,
// without it, from the launcher's environment (degenerate launch, torchrun). Prints "key value..." lines that the
// tests parse; doubles in round-trip form. Exit 0, or 1 with "error <type>: <message>". DG_BACKEND picks the c10d
// backend (gloo, nccl; unset: PyTorch's rule), LOCAL_RANK the rank's GPU, DG_DEVICE the models' device (default CPU).
using System.Globalization;
using Degenerate.Callbacks;
using Degenerate.Distributed;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

var mode = args.Length > 0 ? args[0] : "collectives";
try
{
    Engine.Use("native");
    Engine.Threads = 1;
    var timeout = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("DG_TIMEOUT_S") ?? "60", CultureInfo.InvariantCulture));
    if (mode == "single") return Probe.Fit(args, null);
    if (mode == "glm-single") return GlmProbe.Run(args, null);
    var store = Environment.GetEnvironmentVariable("DG_FILE_STORE");
    var backend = Environment.GetEnvironmentVariable("DG_BACKEND");
    var options = store is null
        ? ProcessGroupOptions.FromEnvironment() with { Timeout = timeout, Backend = backend }
        : new ProcessGroupOptions
        {
            Rank = int.Parse(Environment.GetEnvironmentVariable("RANK")!, CultureInfo.InvariantCulture),
            WorldSize = int.Parse(Environment.GetEnvironmentVariable("WORLD_SIZE")!, CultureInfo.InvariantCulture),
            LocalRank = int.Parse(Environment.GetEnvironmentVariable("LOCAL_RANK") ?? "0", CultureInfo.InvariantCulture),
            FileStorePath = store, Timeout = timeout, Backend = backend,
        };
    using var group = ProcessGroup.Initialize(options);
    Console.WriteLine($"backend {group.Backend} {group.Device}");
    return mode switch
    {
        "collectives" => Probe.Collectives(group),
        "fit" => Probe.Fit(args, group),
        "glm" => GlmProbe.Run(args, group),
        "callbacks" => Probe.Callbacks(group),
        "die" => Probe.Die(group),
        "fail" => group.Rank == 1 ? throw new InvalidOperationException("rank 1 gave up on purpose") : Probe.Wait(group),
        _ => throw new ArgumentException($"unknown mode {mode}"),
    };
}
catch (Exception e)
{
    Console.WriteLine($"error {e.GetType().Name}: {e.Message}");
    return 1;
}

internal static class Probe
{
    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Line(string key, IEnumerable<double> values) => key + " " + string.Join(" ", values.Select(F));

    public static int Collectives(ProcessGroup g)
    {
        int r = g.Rank, w = g.WorldSize;
        using var sum = Tensor.FromArray(new[] { r + 1.0, 10.0 * r }, [2]);
        g.AllReduce(sum);
        Console.WriteLine(Line("sum", sum.ToArray<double>()));
        using var max = Tensor.FromArray(new float[] { r, -r }, [2]);
        g.AllReduce(max, CollectiveOp.Max);
        Console.WriteLine(Line("max", max.ToArray<float>().Select(v => (double)v)));
        // Several tensors of two dtypes through small buckets (several collectives).
        using var a = Tensor.FromArray(Enumerable.Range(0, 5).Select(i => (float)(i + r)).ToArray(), [5]);
        using var b = Tensor.FromArray(new double[] { r, r, r, r }, [2, 2]);
        using var c = Tensor.FromArray(new float[] { 1 }, [1]);
        g.AllReduce([a, b, c], CollectiveOp.Sum, bucketCapMB: 12.0 / (1024 * 1024));
        Console.WriteLine(Line("bucketed", [.. a.ToArray<float>().Select(v => (double)v), .. b.ToArray<double>(), c.ToArray<float>()[0]]));
        using var bc = Tensor.FromArray(new[] { 100.0 + r }, [1]);
        g.Broadcast(bc, root: w - 1);
        Console.WriteLine(Line("broadcast", bc.ToArray<double>()));
        using var one = Tensor.FromArray(new long[] { r * 7 }, [1]);
        using var gathered = g.AllGather(one);
        Console.WriteLine(Line("gather", gathered.ToArray<long>().Select(v => (double)v)));
        using var rows = Tensor.Full([r + 1, 2], r, DType.Float64);
        using var allRows = g.AllGatherRows(rows);
        Console.WriteLine(Line("rows", allRows.ToArray<double>()));
        g.Barrier();
        Console.WriteLine($"ok rank {r} of {w}");
        return 0;
    }

    // 37 rows (uneven over 2 and 3 ranks), a last batch of 5 with batch size 8.
    public static (double[,] X, double[] Y) Data()
    {
        const int n = 37;
        var x = new double[n, 3];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = Math.Sin(0.37 * i + 1.3 * j);
            y[i] = 0.5 * x[i, 0] - 1.5 * x[i, 1] + x[i, 2] * x[i, 0] + 0.1 * Math.Cos(i);
        }
        return (x, y);
    }

    private static Sequential Model(string optimizer, DType dtype, ulong seed)
    {
        Degenerate.Random.Seed(seed);
        var device = Environment.GetEnvironmentVariable("DG_DEVICE") is { Length: > 0 } d ? Device.Parse(d) : Device.CPU;
        var model = new Sequential(new Dense(4, activation: "tanh", inputDim: 3), new Dense(1)) { Device = device, DType = dtype };
        model.Compile(optimizer: optimizer == "adam" ? new Degenerate.Optimizers.Adam(0.01) : new Degenerate.Optimizers.SGD(0.05, momentum: 0.9),
            loss: "mse", metrics: ["mae"]);
        return model;
    }

    // args: fit|single optimizer dtype shuffle(0/1) epochs
    public static int Fit(string[] args, ProcessGroup? g)
    {
        var dtype = args[2] == "float64" ? DType.Float64 : DType.Float32;
        var shuffle = args[3] == "1";
        var epochs = int.Parse(args[4], CultureInfo.InvariantCulture);
        // Different seeds per rank: rank 0's weights must reach every rank by broadcast.
        using var model = Model(args[1], dtype, 1 + (ulong)(g?.Rank ?? 0));
        if (g is not null) model.Distribution = new DataParallel(g, seed: 5);
        var (x, y) = Data();
        var yy = new double[y.Length, 1];
        for (var i = 0; i < y.Length; i++) yy[i, 0] = y[i];
        // DG_BATCH_LOGS=1: a callback records every batch's logs (the running loss and metrics), as a user's would.
        var batches = Environment.GetEnvironmentVariable("DG_BATCH_LOGS") == "1" ? new BatchRecorder() : null;
        var history = model.Fit(x, yy, epochs: epochs, batchSize: 8, shuffle: shuffle, verbose: 0, validationSplit: 0.2,
            callbacks: batches is null ? null : [batches]);
        if (batches is not null)
        {
            Console.WriteLine(Line("batch:loss", batches.Loss));
            Console.WriteLine(Line("batch:mae", batches.Mae));
        }
        Console.WriteLine(Line("weights", model.GetWeights().SelectMany(t => { using (t) return t.To(DType.Float64).ToArray<double>(); })));
        foreach (var key in history.Keys.Order()) Console.WriteLine(Line("history:" + key, history.Values[key]));
        var eval = model.Evaluate(x, yy, batchSize: 8);
        Console.WriteLine(Line("evaluate", [eval["loss"], eval["mae"]]));
        using var p = model.Predict(x, batchSize: 8);
        Console.WriteLine(Line("predict", p.To(DType.Float64).ToArray<double>()));
        return 0;
    }

    public static int Callbacks(ProcessGroup g)
    {
        using var model = Model("sgd", DType.Float64, 1);
        model.Distribution = new DataParallel(g, seed: 3);
        var (x, y) = Data();
        var dir = Environment.GetEnvironmentVariable("DG_CHECKPOINTS")!;
        var stop = new EarlyStopping(monitor: "val_loss", patience: 1, minDelta: 1e9);
        var plateau = new ReduceLROnPlateau(monitor: "loss", factor: 0.5, patience: 0, minDelta: 1e9);
        var checkpoint = new ModelCheckpoint(Path.Combine(dir, "m{epoch}.dgm"), monitor: "val_loss");
        var history = model.Fit(x, y, epochs: 10, batchSize: 8, verbose: 1, validationSplit: 0.2, callbacks: [stop, plateau, checkpoint]);
        Console.WriteLine($"epochs {history.Epoch.Count} stopped {stop.StoppedEpoch}");
        Console.WriteLine(Line("lr", [model.Optimizer!.LearningRate]));
        Console.WriteLine(Line("history:loss", history.Values["loss"]));
        return 0;
    }

    // Waits for a rank that never comes (the launcher must stop this one).
    public static int Wait(ProcessGroup g)
    {
        g.Barrier();
        return 0;
    }

    // Rank 1 dies in the middle of epoch 3; the others must fail with a clear error.
    public static int Die(ProcessGroup g)
    {
        using var model = Model("sgd", DType.Float64, 1);
        model.Distribution = new DataParallel(g);
        var (x, y) = Data();
        var dir = Environment.GetEnvironmentVariable("DG_CHECKPOINTS")!;
        var killer = new LambdaCallback(onTrainBatchEnd: (epoch, step) =>
        {
            if (g.Rank == 1 && epoch == 2 && step == 2) Environment.Exit(3);
        });
        model.Fit(x, y, epochs: 5, batchSize: 4, verbose: 0, callbacks: [killer, new ModelCheckpoint(Path.Combine(dir, "m{epoch}.dgm"), monitor: "loss")]);
        Console.WriteLine("ok finished");
        return 0;
    }
}

// Records each batch's logs.
internal sealed class BatchRecorder : Callback
{
    public List<double> Loss { get; } = [];
    public List<double> Mae { get; } = [];

    public override void OnTrainBatchEnd(int step, BatchLogs logs)
    {
        Loss.Add(logs.Loss);
        Mae.Add(logs.Metrics["mae"]);
    }
}

// Calls back after each batch with (epoch, step).
internal sealed class LambdaCallback(Action<int, int> onTrainBatchEnd) : Callback
{
    private int _epoch;

    public override void OnEpochBegin(int epoch) => _epoch = epoch;

    public override void OnTrainBatchEnd(int step, BatchLogs logs) => onTrainBatchEnd(_epoch, step);
}
