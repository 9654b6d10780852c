using static Degenerate.TestShared.ModelFileFraming;

namespace Degenerate.AttackTests;

/// <summary>The attack suite's valid model file; crafting it into bad ones is tests/Shared/ModelFileFraming.cs.</summary>
internal static class ModelFiles
{
    // SmallModel compiled with Adam and fitted once, so the file carries optimizer slots too.
    public static byte[] Valid()
    {
        using var model = SmallModel();
        model.Compile("adam", "mse");
        model.Fit(new float[,] { { 0, 1 }, { 1, 0 } }, new[] { 0f, 1 }, epochs: 1, verbose: 0);
        return Bytes(model);
    }
}
