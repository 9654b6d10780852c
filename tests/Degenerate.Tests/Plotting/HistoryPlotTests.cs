using System.Xml.Linq;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Plotting;
using SkiaSharp;

namespace Degenerate.Tests.Plotting;

/// <summary>
/// History plots: one panel per figure with the training curve (Category10 blue) and the validation curve (orange),
/// as PNG (decoded back and its pixels counted) and SVG (parsed as XML).
/// </summary>
[Collection(Serial.Name)] // seeds the global generator
public sealed class HistoryPlotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-plot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static History Trained()
    {
        Degenerate.Random.Seed(11);
        using var model = new Sequential(new Dense(4, "relu", inputDim: 2), new Dense(1, "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        var x = new double[40, 2];
        var y = new double[40];
        for (var i = 0; i < 40; i++)
        {
            x[i, 0] = Math.Sin(i);
            x[i, 1] = Math.Cos(i * 1.3);
            y[i] = x[i, 0] + x[i, 1] > 0 ? 1 : 0;
        }
        return model.Fit(x, y, epochs: 12, batchSize: 8, validationSplit: 0.25, verbose: 0);
    }

    private static int Near(SKBitmap bitmap, SKColor color)
    {
        var count = 0;
        for (var py = 0; py < bitmap.Height; py++)
            for (var px = 0; px < bitmap.Width; px++)
            {
                var c = bitmap.GetPixel(px, py);
                if (Math.Abs(c.Red - color.Red) + Math.Abs(c.Green - color.Green) + Math.Abs(c.Blue - color.Blue) < 30) count++;
            }
        return count;
    }

    [Fact]
    public void A_PNG_has_a_panel_per_figure_with_training_and_validation_curves()
    {
        var history = Trained();
        var path = history.SavePlot(Path.Combine(_dir, "sub", "history.png"), title: "training");
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal(HistoryPlot.PanelWidth, bitmap.Width);
        Assert.Equal(2 * HistoryPlot.PanelHeight, bitmap.Height);  // loss, accuracy
        using var top = new SKBitmap(bitmap.Width, HistoryPlot.PanelHeight);
        using var bottom = new SKBitmap(bitmap.Width, HistoryPlot.PanelHeight);
        Assert.True(bitmap.ExtractSubset(top, SKRectI.Create(0, 0, bitmap.Width, HistoryPlot.PanelHeight)));
        Assert.True(bitmap.ExtractSubset(bottom, SKRectI.Create(0, HistoryPlot.PanelHeight, bitmap.Width, HistoryPlot.PanelHeight)));
        foreach (var panel in new[] { top, bottom })
        {
            Assert.True(Near(panel, SKColor.Parse("1f77b4")) > 200, "training curve drawn");
            Assert.True(Near(panel, SKColor.Parse("ff7f0e")) > 100, "validation curve drawn");
        }
    }

    [Fact]
    public void An_SVG_is_vector_XML_with_both_curves_and_chosen_figures_only()
    {
        var history = Trained();
        var path = HistoryPlot.Save(history, Path.Combine(_dir, "loss.svg"), keys: ["loss"]);
        var svg = XDocument.Load(path);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Equal(HistoryPlot.PanelHeight.ToString(), (string?)svg.Root.Attribute("height"));
        var strokes = svg.Descendants().Select(e => ((string?)e.Attribute("stroke"))?.ToLowerInvariant()).ToList();
        Assert.Contains("#1f77b4", strokes);
        Assert.Contains("#ff7f0e", strokes);
    }

    [Fact]
    public void Bad_requests_are_refused_with_what_is_possible()
    {
        var history = Trained();
        var e = Assert.Throws<ArgumentException>(() => history.SavePlot(Path.Combine(_dir, "x.jpg")));
        Assert.Contains(".png or .svg", e.Message);
        e = Assert.Throws<ArgumentException>(() => history.SavePlot(Path.Combine(_dir, "x.png"), keys: ["auc"]));
        Assert.Contains("no 'auc'", e.Message);
        Assert.Contains("val_loss", e.Message);
        Assert.Throws<ArgumentException>(() => new History().SavePlot(Path.Combine(_dir, "empty.png")));
    }
}
