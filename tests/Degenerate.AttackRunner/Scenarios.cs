using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.AttackRunner;

/// <summary>The attacks, by name. Each prints one line per case and never catches a crash (it cannot).</summary>
internal static class Scenarios
{
    private static readonly Dictionary<string, Action<string[]>> All = new()
    {
        ["disposed"] = Disposed.Run,
        ["load"] = paths => Each(paths, p => Describe(Sequential.Load(p))),
        ["load-weights"] = LoadWeightsInto,
        ["save"] = args => Saving.SaveOnce(args[0]),
        ["save-loop"] = args => Saving.SaveForever(args[0]),
        ["write"] = paths => Each(paths, Saving.Write),
        ["concurrent"] = Concurrency.Run,
    };

    public static IEnumerable<string> Names => All.Keys;

    public static int Run(string name, string[] args)
    {
        if (!All.TryGetValue(name, out var scenario))
        {
            Console.Error.WriteLine($"unknown scenario '{name}'; scenarios: {string.Join(", ", Names)}");
            return 2;
        }
        if (Environment.GetEnvironmentVariable("DEGENERATE_ATTACK_ENGINE") is { Length: > 0 } engine) Engine.Use(engine);
        scenario(args);
        return 0;
    }

    /// <summary>Runs <paramref name="attack"/> and prints "case: ok detail" or "case: error Type: message".</summary>
    public static void Case(string name, Func<string> attack)
    {
        string line;
        try
        {
            line = "ok " + attack();
        }
        catch (Exception e)
        {
            line = $"error {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
        }
        Console.WriteLine($"{name}: {line}");
        Console.Out.Flush();
    }

    private static void Each(string[] paths, Func<string, string> load)
    {
        foreach (var path in paths) Case(path, () => load(path));
    }

    // The architecture of the test suite's valid file (tests/Shared/ModelFileFraming.cs's SmallModel): LoadWeights needs a model of
    // the same shapes to load into.
    private static void LoadWeightsInto(string[] paths) => Each(paths, p =>
    {
        using var model = new Sequential(new Dense(3, "relu", inputDim: 2), new Dense(1, "sigmoid")) { Device = Device.CPU };
        model.LoadWeights(p);
        return Describe(model);
    });

    internal static string Describe(Model model)
    {
        using (model)
        {
            var sums = model.GetWeights().Select(w => { using (w) return w.ToArray<float>().Sum(); });
            return $"{model.Layers.Count} layers, weight sums {string.Join(" ", sums.Select(s => s.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}";
        }
    }
}
