using Degenerate.Models;
using static Degenerate.TestShared.ModelFileFraming;

namespace Degenerate.Tests.Models;

// The model the file-safety tests craft files from; the crafting itself is tests/Shared/ModelFileFraming.cs.
internal static class ModelFileCrafting
{
    // SmallModel compiled with SGD and a metric: weights [2,3] [3] [3,1] [1] at 0 24 36 48.
    public static Sequential Model()
    {
        var model = SmallModel();
        model.Compile("sgd", "mse", ["mae"]);
        return model;
    }

    public static byte[] ValidFile(string dir)
    {
        using var model = Model();
        var path = Path.Combine(dir, $"valid-{Guid.NewGuid():N}.dgm");
        model.Save(path);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }
}
