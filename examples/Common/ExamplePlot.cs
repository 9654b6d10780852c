using ScottPlot;

/// <summary>
/// The examples' scatter/line pictures, drawn with ScottPlot (through Degenerate.Plotting's dependency; linked into
/// each example project as source): points, segments, lines given by a·x + b·y + c = 0 clipped to the area, and a
/// legend. Saved as SVG or PNG by the file's extension.
/// </summary>
internal sealed class ExamplePlot
{
    private readonly Plot _plot = new();
    private readonly HashSet<string> _legend = new();
    private readonly List<ScottPlot.Plottables.LinePlot> _dashed = new();
    private readonly double _xMin, _xMax, _yMin, _yMax;
    private readonly int _width, _height;

    public ExamplePlot(double xMin, double xMax, double yMin, double yMax, string title, string xLabel, string yLabel,
        int width = 560, int height = 520)
    {
        if (!(xMax > xMin) || !(yMax > yMin)) throw new ArgumentException($"empty plot range [{xMin}, {xMax}] x [{yMin}, {yMax}]");
        (_xMin, _xMax, _yMin, _yMax, _width, _height) = (xMin, xMax, yMin, yMax, width, height);
        _plot.Title(title);
        _plot.XLabel(xLabel);
        _plot.YLabel(yLabel);
        _plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
    }

    private static Color ColorOf(string color) => color switch
    {
        "black" => Colors.Black,
        "gray" or "grey" => Colors.Gray,
        _ => Color.FromHex(color),
    };

    // Each label once in the legend, however many points carry it.
    private string? Label(string? legend) => legend is not null && _legend.Add(legend) ? legend : null;

    public void Point(double x, double y, string color, double radius = 6, string? legend = null)
    {
        var marker = _plot.Add.Marker(x, y, MarkerShape.FilledCircle, (float)(2 * radius), ColorOf(color));
        marker.MarkerLineColor = Colors.Black;
        marker.MarkerLineWidth = 0.5f;
        if (Label(legend) is { } text) marker.LegendText = text;
    }

    public void Segment(double x1, double y1, double x2, double y2, string color, double width = 2.5, string? dash = null, string? legend = null)
    {
        var line = _plot.Add.Line(x1, y1, x2, y2);
        line.LineColor = ColorOf(color);
        line.LineWidth = (float)width;
        if (dash is not null) _dashed.Add(line);
        if (Label(legend) is { } text) line.LegendText = text;
    }

    /// <summary>The line a·x + b·y + c = 0, clipped to the plotting area; nothing is drawn if it misses the area.</summary>
    public bool LineWhere(double a, double b, double c, string color, double width = 2.5, string? dash = null, string? legend = null)
    {
        var hits = new List<(double X, double Y)>();
        const double slack = 1e-12;
        if (Math.Abs(b) > slack)
        {
            foreach (var x in new[] { _xMin, _xMax })
            {
                var y = -(a * x + c) / b;
                if (y >= _yMin - slack && y <= _yMax + slack) hits.Add((x, y));
            }
        }
        if (Math.Abs(a) > slack)
        {
            foreach (var y in new[] { _yMin, _yMax })
            {
                var x = -(b * y + c) / a;
                if (x >= _xMin - slack && x <= _xMax + slack) hits.Add((x, y));
            }
        }
        var distinct = hits.Distinct().ToList();
        if (distinct.Count < 2)
        {
            if (legend is not null) _plot.Legend.ManualItems.Add(new LegendItem { LabelText = legend + " (outside the plot)", LineColor = ColorOf(color), LineWidth = (float)width });
            return false;
        }
        var (p, q) = (distinct[0], distinct.MaxBy(h => Math.Abs(h.X - distinct[0].X) + Math.Abs(h.Y - distinct[0].Y)));
        Segment(p.X, p.Y, q.X, q.Y, color, width, dash, legend);
        return true;
    }

    /// <summary>Writes the picture: SVG or PNG by the extension; the folder is created if needed.</summary>
    public void Save(string path)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        _plot.ShowLegend(Alignment.UpperLeft);
        _plot.Axes.SetLimits(_xMin, _xMax, _yMin, _yMax);
        var png = path.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
        // Skia's SVG canvas cannot draw dash patterns (it drops them with a warning): dashed lines are solid in SVG,
        // told apart by their colour and legend.
        foreach (var line in _dashed) line.LinePattern = png ? LinePattern.Dashed : LinePattern.Solid;
        if (png) _plot.SavePng(path, _width, _height);
        else _plot.SaveSvg(path, _width, _height);
    }
}
