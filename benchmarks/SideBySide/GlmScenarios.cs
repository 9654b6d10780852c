using System.Diagnostics;
using System.Text.Json.Nodes;
using Degenerate.Statistics;

namespace Degenerate.Benchmarks.SideBySide;

internal static partial class Scenarios
{
    private static readonly Dictionary<string, (double[,] X, double[] Y)> Arrays = new();

    // Logistic MLE by Degenerate.Statistics.Glm (native Newton), on data that already holds its intercept column.
    private static JsonObject Glm(string xPath, string yPath, long rows, int cols)
    {
        if (!Arrays.TryGetValue(xPath, out var data))
        {
            Arrays.Clear();
            GC.Collect();
            data = (ReadMatrix(xPath, rows, cols), ReadVector(yPath, rows));
            Arrays[xPath] = data;
        }
        var clock = Stopwatch.StartNew();
        var result = Statistics.Glm.Fit(data.X, data.Y, Family.Binomial, options: new GlmOptions { FitIntercept = false });
        var seconds = clock.Elapsed.TotalSeconds;
        return new JsonObject
        {
            ["seconds"] = seconds,
            ["iterations"] = result.Iterations,
            ["params"] = new JsonArray(result.Params.Select(v => (JsonNode)v).ToArray()),
        };
    }

    /// <summary>
    /// Reads the data, fits once and reports the process's peak resident memory (VmHWM) against the data's size
    /// (x and y as float64): what one application fitting one GLM needs.
    /// </summary>
    public static JsonObject GlmPeakMemory(string xPath, string yPath, long rows, int cols)
    {
        var x = ReadMatrix(xPath, rows, cols);
        var y = ReadVector(yPath, rows);
        var result = Statistics.Glm.Fit(x, y, Family.Binomial, options: new GlmOptions { FitIntercept = false });
        return new JsonObject
        {
            ["rows"] = rows,
            ["data_mb"] = rows * (cols + 1) * 8 / 1048576.0,
            ["peak_mb"] = ResidentMegabytes("VmHWM"),
            ["iterations"] = result.Iterations,
        };
    }
}
