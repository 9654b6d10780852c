using System.Text.Json.Nodes;

namespace Degenerate.Benchmarks.SideBySide;

internal static partial class Scenarios
{
    private static JsonObject Glm(string xPath, string yPath, long rows, int cols) =>
        throw new InvalidOperationException("the GLM solver (branch wt/glm) is not merged yet");

    public static JsonObject GlmPeakMemory(string xPath, string yPath, long rows, int cols) =>
        throw new InvalidOperationException("the GLM solver (branch wt/glm) is not merged yet");
}
