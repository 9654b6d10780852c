using System.Globalization;
using System.Text;

/// <summary>
/// A minimal SVG scatter/line plot for the examples (linked into each example project as source, not a library):
/// a framed plotting area with ticks, points, segments, lines given by a·x + b·y + c = 0 clipped to the area, and a legend.
/// </summary>
internal sealed class SvgPlot
{
    private const int Margin = 56;
    private readonly StringBuilder _body = new();
    private readonly List<(string Label, string Color, bool IsPoint)> _legend = new();
    private readonly double _xMin, _xMax, _yMin, _yMax;
    private readonly int _width, _height;
    private readonly string _title, _xLabel, _yLabel;

    public SvgPlot(double xMin, double xMax, double yMin, double yMax, string title, string xLabel, string yLabel,
        int width = 560, int height = 520)
    {
        if (!(xMax > xMin) || !(yMax > yMin)) throw new ArgumentException($"empty plot range [{xMin}, {xMax}] x [{yMin}, {yMax}]");
        (_xMin, _xMax, _yMin, _yMax) = (xMin, xMax, yMin, yMax);
        (_width, _height, _title, _xLabel, _yLabel) = (width, height, title, xLabel, yLabel);
    }

    private double Px(double x) => Margin + (x - _xMin) / (_xMax - _xMin) * (_width - 2 * Margin);

    private double Py(double y) => _height - Margin - (y - _yMin) / (_yMax - _yMin) * (_height - 2 * Margin);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    public void Point(double x, double y, string color, double radius = 6, string? legend = null)
    {
        _body.Append($"<circle cx=\"{F(Px(x))}\" cy=\"{F(Py(y))}\" r=\"{F(radius)}\" fill=\"{color}\" stroke=\"black\" stroke-width=\"0.5\"/>\n");
        AddLegend(legend, color, isPoint: true);
    }

    public void Segment(double x1, double y1, double x2, double y2, string color, double width = 2.5, string? dash = null, string? legend = null)
    {
        var dashAttribute = dash is null ? "" : $" stroke-dasharray=\"{dash}\"";
        _body.Append($"<line x1=\"{F(Px(x1))}\" y1=\"{F(Py(y1))}\" x2=\"{F(Px(x2))}\" y2=\"{F(Py(y2))}\" stroke=\"{color}\" stroke-width=\"{F(width)}\"{dashAttribute}/>\n");
        AddLegend(legend, color, isPoint: false);
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
            AddLegend(legend is null ? null : legend + " (outside the plot)", color, isPoint: false);
            return false;
        }
        var (p, q) = (distinct[0], distinct.MaxBy(h => Math.Abs(h.X - distinct[0].X) + Math.Abs(h.Y - distinct[0].Y)));
        Segment(p.X, p.Y, q.X, q.Y, color, width, dash, legend);
        return true;
    }

    private void AddLegend(string? label, string color, bool isPoint)
    {
        if (label is not null && _legend.All(l => l.Label != label)) _legend.Add((label, color, isPoint));
    }

    public string ToSvg()
    {
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{_width}\" height=\"{_height}\" viewBox=\"0 0 {_width} {_height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append($"<rect width=\"{_width}\" height=\"{_height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{_width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{Escape(_title)}</text>\n");
        foreach (var t in Ticks(_xMin, _xMax))
        {
            svg.Append($"<line x1=\"{F(Px(t))}\" y1=\"{Margin}\" x2=\"{F(Px(t))}\" y2=\"{_height - Margin}\" stroke=\"#e4e4e4\"/>\n");
            svg.Append($"<text x=\"{F(Px(t))}\" y=\"{_height - Margin + 16}\" text-anchor=\"middle\">{F(t)}</text>\n");
        }
        foreach (var t in Ticks(_yMin, _yMax))
        {
            svg.Append($"<line x1=\"{Margin}\" y1=\"{F(Py(t))}\" x2=\"{_width - Margin}\" y2=\"{F(Py(t))}\" stroke=\"#e4e4e4\"/>\n");
            svg.Append($"<text x=\"{Margin - 6}\" y=\"{F(Py(t) + 4)}\" text-anchor=\"end\">{F(t)}</text>\n");
        }
        svg.Append($"<rect x=\"{Margin}\" y=\"{Margin}\" width=\"{_width - 2 * Margin}\" height=\"{_height - 2 * Margin}\" fill=\"none\" stroke=\"black\"/>\n");
        svg.Append($"<text x=\"{_width / 2}\" y=\"{_height - 16}\" text-anchor=\"middle\">{Escape(_xLabel)}</text>\n");
        svg.Append($"<text x=\"16\" y=\"{_height / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {_height / 2})\">{Escape(_yLabel)}</text>\n");
        svg.Append($"<svg x=\"{Margin}\" y=\"{Margin}\" width=\"{_width - 2 * Margin}\" height=\"{_height - 2 * Margin}\" viewBox=\"{Margin} {Margin} {_width - 2 * Margin} {_height - 2 * Margin}\" overflow=\"hidden\">\n");
        svg.Append(_body);
        svg.Append("</svg>\n");
        for (var i = 0; i < _legend.Count; i++)
        {
            var (label, color, isPoint) = _legend[i];
            var y = Margin + 14 + 18 * i;
            var x = Margin + 10;
            svg.Append(isPoint
                ? $"<circle cx=\"{x + 8}\" cy=\"{y - 4}\" r=\"5\" fill=\"{color}\" stroke=\"black\" stroke-width=\"0.5\"/>\n"
                : $"<line x1=\"{x}\" y1=\"{y - 4}\" x2=\"{x + 16}\" y2=\"{y - 4}\" stroke=\"{color}\" stroke-width=\"2.5\"/>\n");
            svg.Append($"<text x=\"{x + 22}\" y=\"{y}\" fill=\"black\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">{Escape(label)}</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    public void Save(string path)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, ToSvg());
    }

    // About five round tick values (steps of 1, 2 or 5 times a power of ten) inside [min, max].
    private static IEnumerable<double> Ticks(double min, double max)
    {
        var raw = (max - min) / 5;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * power).First(s => s >= raw);
        for (var t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step) yield return Math.Abs(t) < step * 1e-9 ? 0 : t;
    }
}
