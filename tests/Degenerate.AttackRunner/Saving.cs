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
