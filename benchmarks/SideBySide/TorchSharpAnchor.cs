using System.Diagnostics;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;
using TTensor = TorchSharp.torch.Tensor;

namespace Degenerate.Benchmarks.SideBySide;

/// <summary>
/// The "torchsharp op-by-op" anchor: the suite's models trained the way a TorchSharp user writes them, with
/// TorchSharp's own modules (nn.Linear, nn.Sequential), autograd and optimizers (torch.optim), mirroring
/// benchmarks/python/torch_worker.py line for line. It runs only in the worker whose Degenerate engine is torchsharp,
/// because TorchSharp's libtorch is loaded (and made loadable on Debian 12) there; in the native worker it would be a
/// second libtorch in the process. TorchSharp's Adam places epsilon as PyTorch does, not as Keras does: the times
/// compare, the weights of the Adam scenarios are not expected to match Degenerate's.
/// </summary>
internal static class TorchSharpAnchor
{
    public static JsonObject Run(JsonObject request)
    {
        if (Degenerate.Tensors.Engine.Name != "torchsharp")
            throw new InvalidOperationException(
                $"the torchsharp anchor runs only in the torchsharp engine's worker (this one runs {Degenerate.Tensors.Engine.Name})");
        var name = (string)request["scenario"]!;
        return name switch
        {
            "seed000" => Seed000((int)request["epochs"]!),
            "balloon" => Balloon((int)request["rows"]!),
            "minibatch" => Minibatch((string)request["x"]!, (string)request["y"]!, (long)request["rows"]!, (int)request["cols"]!),
            "predict" => Predict((long)request["rows"]!),
            _ => throw new ArgumentException($"the torchsharp anchor has no scenario '{name}'"),
        };
    }

    private static JsonObject Seed000(int epochs)
    {
        using var x = tensor(new double[] { 1, 0, 0, 0, 1, 1, 0, 1 }, [4, 2], ScalarType.Float64);
        using var y = tensor(new double[] { 0, 1, 0, 1 }, [4, 1], ScalarType.Float64);
        using var model = nn.Linear(2, 1, dtype: ScalarType.Float64);
        using (no_grad())
        {
            model.weight!.fill_(0.2);
            model.bias!.fill_(0.2);
        }
        using var opt = optim.SGD(model.parameters(), 0.7);
        using var lossFn = nn.BCEWithLogitsLoss();
        var rows = Enumerable.Range(0, 4).Select(i => (X: x.narrow(0, i, 1), Y: y.narrow(0, i, 1))).ToArray();
        var clock = Stopwatch.StartNew();
        for (var e = 0; e < epochs; e++)
        {
            using var scope = NewDisposeScope();
            var total = zeros([], ScalarType.Float64);
            foreach (var (xb, yb) in rows)
            {
                opt.zero_grad();
                var loss = lossFn.forward(model.forward(xb), yb);
                loss.backward();
                opt.step();
                total.add_(loss.detach());
            }
            total.item<double>();  // the epoch's loss is read, as Keras reports it
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var flat = new JsonArray();
        foreach (var v in model.weight!.data<double>().ToArray()) flat.Add(v);
        foreach (var v in model.bias!.data<double>().ToArray()) flat.Add(v);
        foreach (var (xb, yb) in rows)
        {
            xb.Dispose();
            yb.Dispose();
        }
        return new JsonObject { ["seconds"] = seconds, ["steps"] = 4L * epochs, ["weights"] = flat };
    }

    private static nn.Module<TTensor, TTensor> BalloonModel() =>
        nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1));

    // One shuffled epoch of minibatches; returns the mean loss per row, read once at the end.
    private static double TrainEpoch(nn.Module<TTensor, TTensor> model, optim.Optimizer opt, nn.Module<TTensor, TTensor, TTensor> lossFn,
        TTensor x, TTensor y, int batch)
    {
        var n = x.shape[0];
        using var perm = randperm(n);
        using var total = zeros([]);
        for (long start = 0; start < n; start += batch)
        {
            using var scope = NewDisposeScope();
            var idx = perm.narrow(0, start, Math.Min(batch, n - start));
            var xb = x.index_select(0, idx);
            var yb = y.index_select(0, idx);
            opt.zero_grad();
            var loss = lossFn.forward(model.forward(xb), yb);
            loss.backward();
            opt.step();
            total.add_(loss.detach() * xb.shape[0]);
        }
        return total.item<float>() / n;
    }

    private static JsonObject Balloon(int rows)
    {
        var (xa, ya) = Scenarios.BalloonData(rows);
        using var x = tensor(xa);
        using var y = tensor(ya, [rows, 1]);
        using var model = BalloonModel();
        using var opt = optim.Adam(model.parameters(), lr: 1e-3, eps: 1e-7);
        using var lossFn = nn.BCEWithLogitsLoss();
        using (var wx = x.narrow(0, 0, 256))
        using (var wy = y.narrow(0, 0, 256))
            TrainEpoch(model, opt, lossFn, wx, wy, 32);  // warm-up
        var clock = Stopwatch.StartNew();
        var loss = TrainEpoch(model, opt, lossFn, x, y, 32);
        var seconds = clock.Elapsed.TotalSeconds;
        return new JsonObject { ["seconds"] = seconds, ["steps"] = (rows + 31) / 32, ["loss"] = loss };
    }

    private static (string Key, TTensor X, TTensor Y)? _loaded;

    private static JsonObject Minibatch(string xPath, string yPath, long rows, int cols)
    {
        if (_loaded is not { } data || data.Key != xPath)
        {
            _loaded?.X.Dispose();
            _loaded?.Y.Dispose();
            using var x64 = tensor(Scenarios.ReadMatrix(xPath, rows, cols));
            using var y64 = tensor(Scenarios.ReadVector(yPath, rows), [rows, 1]);
            _loaded = data = (xPath, x64.to_type(ScalarType.Float32), y64.to_type(ScalarType.Float32));
        }
        using var model = nn.Linear(cols, 1);
        using var opt = optim.Adam(model.parameters(), lr: 1e-3, eps: 1e-7);
        using var lossFn = nn.BCEWithLogitsLoss();
        var clock = Stopwatch.StartNew();
        var loss = TrainEpoch(model, opt, lossFn, data.X, data.Y, 1024);
        var seconds = clock.Elapsed.TotalSeconds;
        return new JsonObject { ["seconds"] = seconds, ["steps"] = (rows + 1023) / 1024, ["loss"] = loss };
    }

    private static TTensor? _predictInput;

    private static JsonObject Predict(long rows)
    {
        if (_predictInput is null || _predictInput.shape[0] != rows)
        {
            _predictInput?.Dispose();
            _predictInput = rand([rows, 3]) * 2 - 1;
        }
        using var model = nn.Sequential(BalloonModel(), nn.Sigmoid());
        using (no_grad())  // the untimed warm-up on 256 rows every contender makes (Scenarios.Predict)
        using (var head = _predictInput.slice(0, 0, 256, 1))
        using (model.forward(head))
        {
        }
        var clock = Stopwatch.StartNew();
        using (no_grad())
        using (var output = model.forward(_predictInput))
        {
        }
        var seconds = clock.Elapsed.TotalSeconds;
        return new JsonObject { ["seconds"] = seconds, ["rows"] = rows };
    }
}
