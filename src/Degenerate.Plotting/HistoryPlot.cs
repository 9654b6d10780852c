using Degenerate.Models;
using ScottPlot;
using SkiaSharp;

namespace Degenerate.Plotting;

/// <summary>
/// Pictures of a training run, as Keras users draw <c>history.history</c> with matplotlib: one panel per figure
/// (loss, then each metric), the training curve a line and the validation curve (<c>val_</c>) a line with dots, by epoch
/// (1-based, as Keras's progress bar counts). Figures that are not curves of training (<c>learning_rate</c>) get
/// their own panel too.
/// </summary>
public static class HistoryPlot
{
    /// <summary>Default picture size in pixels, per panel.</summary>
    public const int PanelWidth = 640, PanelHeight = 400;

    /// <summary>
    /// Saves the curves of <paramref name="history"/> to <paramref name="path"/>: PNG or SVG by the extension
    /// (".png", ".svg"). Returns the full path written. The folder is created if needed.
    /// </summary>
    /// <param name="history">What <c>Fit</c> returned.</param>
    /// <param name="path">The file to write, ending in .png or .svg.</param>
    /// <param name="keys">The figures to draw ("loss", "accuracy", ...; the validation curves come with them);
    /// default: every training figure in the history.</param>
    /// <param name="title">Title above the first panel; default none.</param>
    /// <param name="width">Picture width in pixels.</param>
    /// <param name="panelHeight">Height of each panel in pixels.</param>
    /// <exception cref="ArgumentException">Unknown extension, an empty history, or a key the history lacks.</exception>
    public static string Save(History history, string path, IEnumerable<string>? keys = null, string? title = null,
        int width = PanelWidth, int panelHeight = PanelHeight)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(panelHeight, 100);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
            throw new ArgumentException($"'{path}': a history plot is saved as .png or .svg, not '{extension}'", nameof(path));
        var panels = Panels(history, keys);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var plots = panels.Select((key, i) => Panel(history, key, i == 0 ? title : null)).ToList();
        var height = panelHeight * plots.Count;
        // Panels stacked on one Skia canvas: a raster surface for PNG, Skia's SVG canvas for SVG (vector output).
        void Draw(SKCanvas canvas)
        {
            canvas.Clear(SKColors.White);
            for (var i = 0; i < plots.Count; i++)
            {
                // ScottPlot clears the canvas before drawing: clipping to the panel keeps the panels above it.
                canvas.Save();
                canvas.Translate(0, i * panelHeight);
                canvas.ClipRect(SKRect.Create(width, panelHeight));
                plots[i].Render(canvas, new PixelRect(new Pixel(0, 0), new PixelSize(width, panelHeight)));
                canvas.Restore();
            }
        }
        // Written beside the target and renamed over it: a failed plot leaves an existing picture intact.
        var temp = full + ".tmp";
        try
        {
            using (var stream = File.Create(temp))
            {
                if (extension == ".png")
                {
                    using var surface = SKSurface.Create(new SKImageInfo(width, height)) ??
                        throw new InvalidOperationException($"Skia could not create a {width}×{height} picture");
                    Draw(surface.Canvas);
                    using var image = surface.Snapshot();
                    using var png = image.Encode(SKEncodedImageFormat.Png, 100);
                    png.SaveTo(stream);
                }
                else
                {
                    using var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), stream);
                    Draw(canvas);
                }
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return full;
    }

    /// <summary>
    /// One panel as a ScottPlot <see cref="Plot"/>, for users who want to style it further (ScottPlot's API) before
    /// saving it themselves.
    /// </summary>
    public static Plot Create(History history, string key)
    {
        ArgumentNullException.ThrowIfNull(history);
        return Panel(history, Panels(history, [key])[0], null);
    }

    private static List<string> Panels(History history, IEnumerable<string>? keys)
    {
        if (history.Count == 0) throw new ArgumentException("the history has no epochs to plot", nameof(history));
        var available = history.Keys.Where(k => !k.StartsWith("val_", StringComparison.Ordinal)).ToList();
        // A history of validation figures alone (possible with custom callbacks) still gets its curves.
        foreach (var k in history.Keys.Where(k => k.StartsWith("val_", StringComparison.Ordinal)))
            if (!available.Contains(k[4..])) available.Add(k);
        if (keys is null) return available.OrderBy(k => k == "loss" ? 0 : 1).ToList();
        var wanted = keys.ToList();
        if (wanted.Count == 0) throw new ArgumentException("no figures asked for", nameof(keys));
        foreach (var k in wanted)
            if (!history.Contains(k))
                throw new ArgumentException($"the history has no '{k}'; it has: {string.Join(", ", history.Keys)}", nameof(keys));
        return wanted;
    }

    private static Plot Panel(History history, string key, string? title)
    {
        var plot = new Plot();
        var epochs = history.Epoch.Select(e => (double)(e + 1)).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        var train = plot.Add.ScatterLine(epochs, history[key].ToArray(), palette.GetColor(0));
        train.LegendText = key;
        train.LineWidth = 2;
        var validation = key.StartsWith("val_", StringComparison.Ordinal) ? null : "val_" + key;
        if (validation is not null && history.Contains(validation))
        {
            var val = plot.Add.Scatter(epochs, history[validation].ToArray(), palette.GetColor(1));
            val.LegendText = validation;
            val.LineWidth = 2;
            // Markers rather than a dash pattern: Skia's SVG canvas drops path effects such as dashes.
            val.MarkerSize = 6;
            val.MarkerShape = MarkerShape.FilledCircle;
        }
        plot.XLabel("epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel(key);
        if (title is not null) plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
