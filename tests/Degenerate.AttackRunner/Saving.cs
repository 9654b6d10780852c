using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.AttackRunner;

/// <summary>Saves for the kill-during-save attack: a model big enough (16 MB) that a SIGKILL lands mid-write.</summary>
internal static class Saving
{
    private static Sequential Big()
    {
        Degenerate.Random.Seed(7);
        return new Sequential(new Dense(2000, inputDim: 2000), new Dense(1)) { Device = Device.CPU, Name = "big" };
    }

    public static void SaveOnce(string path) => Scenarios.Case("save", () =>
    {
        using var model = Big();
        model.Save(path);
        return $"{new FileInfo(path).Length} bytes";
    });

    /// <summary>Writes a small model to <paramref name="path"/> in the format its name asks for: a .dgm model file, Keras
    /// weights (.weights.h5) or ONNX (.onnx).</summary>
    public static string Write(string path)
    {
        using var model = new Sequential(new Dense(3, "relu", inputDim: 2), new Dense(1, "sigmoid")) { Device = Device.CPU };
        if (path.EndsWith(".weights.h5", StringComparison.Ordinal)) model.SaveWeights(path);
        else if (path.EndsWith(".onnx", StringComparison.Ordinal)) model.ExportOnnx(path);
        else model.Save(path);
        return $"{new FileInfo(path).Length} bytes";
    }

    /// <summary>Saves over <paramref name="path"/> until killed, announcing each finished save.</summary>
    public static void SaveForever(string path)
    {
        using var model = Big();
        for (var i = 1; ; i++)
        {
            Console.WriteLine($"saving {i}");
            Console.Out.Flush();
            model.Save(path);
        }
    }
}
