using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Callbacks;

internal static class CallbackTestModels
{
    /// <summary>y = w·x without bias, float64 on the CPU, weight set to <paramref name="w"/>, compiled with SGD and MSE.</summary>
    public static Sequential Linear(double w, double learningRate = 0.1)
    {
        var model = new Sequential(new Dense(1, useBias: false, inputDim: 1)) { DType = DType.Float64, Device = Device.CPU };
        SetSlope(model, w);
        model.Compile(new SGD(learningRate), "mse");
        return model;
    }

    public static void SetSlope(Model model, double w) => model.SetWeights(new Array[] { new[,] { { w } } });

    public static double Slope(Model model)
    {
        var weights = model.GetWeights();
        try { return weights[0].ToArray<double>()[0]; }
        finally { foreach (var t in weights) t.Dispose(); }
    }

    public static Dictionary<string, double> Logs(string key, double value) => new() { [key] = value };
}
