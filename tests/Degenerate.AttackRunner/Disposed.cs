using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.AttackRunner;

/// <summary>
/// Disposed models, layers and tensors used again, on every entry point (issue 14: these segfaulted through the fused
/// predict plan). Every case must end in ObjectDisposedException naming the model or the layer and weight.
/// </summary>
internal static class Disposed
{
    private static float[,] X(int rows)
    {
        var x = new float[rows, 3];
        for (int i = 0; i < rows; i++) for (int j = 0; j < 3; j++) x[i, j] = (i * 3 + j) % 7 / 7f;
        return x;
    }

    private static Sequential Model(string name)
    {
        var model = new Sequential(new Dense(4, "relu", inputDim: 3), new Dense(1)) { Device = Device.CPU, Name = name };
        model.Compile(new SGD(), "mse");
        return model;
    }

    private static Sequential DisposedModel()
    {
        var model = Model("victim");
        model.Predict(X(64)).Dispose(); // the fused plan has run once and holds what it prepared
        model.Dispose();
        return model;
    }

    public static void Run(string[] args)
    {
        var file = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"attack-{Guid.NewGuid():N}.dgm");
        using (var saved = Model("saved")) saved.Save(file);

        var cases = new Dictionary<string, Func<string>>
        {
            ["model.predict-64-rows"] = () => Shape(DisposedModel().Predict(X(64))),
            ["model.predict-8-rows"] = () => Shape(DisposedModel().Predict(X(8))),
            ["model.fit"] = () => $"{DisposedModel().Fit(X(64), new float[64], verbose: 0).Epoch.Count} epochs",
            ["model.evaluate"] = () => $"{DisposedModel().Evaluate(X(64), new float[64]).Count} figures",
            ["model.get-weights"] = () => $"{DisposedModel().GetWeights().Length} weights",
            ["model.save"] = () => { DisposedModel().Save(file + ".again"); return "saved"; },
            ["model.load-weights"] = () => { DisposedModel().LoadWeights(file); return "loaded"; },
            ["model.save-weights"] = () => { DisposedModel().SaveWeights(file + ".weights"); return "saved"; },
            ["model.save-weights-h5"] = () => { DisposedModel().SaveWeights(file + ".weights.h5"); return "saved"; },
            ["model.export-onnx"] = () => { DisposedModel().ExportOnnx(file + ".onnx"); return "exported"; },
            ["model.summary"] = () => DisposedModel().Summary().Length + " characters",
            ["model.param-count"] = () => DisposedModel().ParamCount.ToString(),
            ["model.dispose-twice"] = () => { var m = DisposedModel(); m.Dispose(); return "disposed twice"; },
            ["kernel.predict-fused"] = () => WithDisposedKernel(m => Shape(m.Predict(X(64)))),
            ["kernel.predict-eager"] = () => WithDisposedKernel(m => { m.RunEagerly = true; return Shape(m.Predict(X(64))); }),
            ["kernel.fit"] = () => WithDisposedKernel(m => $"{m.Fit(X(64), new float[64], verbose: 0).Epoch.Count} epochs"),
            ["kernel.layer-forward"] = () => WithDisposedKernel(m =>
            {
                using var x = Tensor.FromArray(X(4));
                return Shape(m.Layers[0].Forward(x));
            }),
            ["shared-layer.predict"] = () =>
            {
                var shared = new Dense(4, "tanh", inputDim: 3);
                var a = new Sequential(shared, new Dense(1)) { Device = Device.CPU, Name = "a" };
                using var b = new Sequential(shared, new Dense(1)) { Device = Device.CPU, Name = "b" };
                b.Predict(X(64)).Dispose();
                a.Dispose();
                return Shape(b.Predict(X(64)));
            },
            ["tensor.add"] = () => WithDisposedTensor(t => Shape(t + t)),
            ["tensor.to-array"] = () => WithDisposedTensor(t => t.ToArray<float>().Length + " values"),
            ["tensor.shape"] = () => WithDisposedTensor(t => t.ShapeString),
            ["tensor.matmul"] = () => WithDisposedTensor(t =>
            {
                using var other = Tensor.FromArray(new float[,] { { 1 }, { 2 } });
                return Shape(t.MatMul(other));
            }),
            ["tensor.copy-from-disposed"] = () => WithDisposedTensor(t =>
            {
                using var target = Tensor.FromArray(new float[,] { { 0, 0 }, { 0, 0 } });
                target.CopyFrom(t);
                return "copied";
            }),
            ["tensor.set-weights-from-disposed"] = () => WithDisposedTensor(t =>
            {
                using var m = new Sequential(new Dense(2, inputDim: 2, useBias: false)) { Device = Device.CPU };
                m.SetWeights(new[] { t });
                return "set";
            }),
        };
        var only = args.Length > 1 ? args[1..].ToHashSet() : null;
        foreach (var (name, attack) in cases)
        {
            if (only is null || only.Contains(name)) Scenarios.Case(name, attack);
        }
        File.Delete(file);
    }

    private static string Shape(Tensor t)
    {
        using (t) return t.ShapeString;
    }

    private static string WithDisposedKernel(Func<Sequential, string> attack)
    {
        using var model = Model("victim");
        model.Predict(X(64)).Dispose();
        ((Dense)model.Layers[0]).Kernel!.Dispose();
        return attack(model);
    }

    private static string WithDisposedTensor(Func<Tensor, string> attack)
    {
        var t = Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } });
        _ = t.ShapeString; // cached shape: the case tests what happens after release, not a lazy first read
        t.Dispose();
        return attack(t);
    }
}
