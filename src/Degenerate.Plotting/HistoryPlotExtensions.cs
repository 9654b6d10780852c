using Degenerate.Models;

namespace Degenerate.Plotting;

/// <summary><c>history.SavePlot("loss.png")</c>: the curves of a training run (see <see cref="HistoryPlot"/>).</summary>
public static class HistoryPlotExtensions
{
    /// <summary>Saves the loss and metric curves, training and validation, as PNG or SVG by the extension.</summary>
    public static string SavePlot(this History history, string path, IEnumerable<string>? keys = null, string? title = null) =>
        HistoryPlot.Save(history, path, keys, title);
}
