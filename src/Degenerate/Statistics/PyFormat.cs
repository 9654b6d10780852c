using System.Globalization;

namespace Degenerate.Statistics;

/// <summary>Numbers as Python's printf forms print them, so summaries read as statsmodels' (e.g. <c>5.807e-224</c>).</summary>
internal static class PyFormat
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    private static string? NonFinite(double v) =>
        double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : null;

    /// <summary>Python's <c>"%.{precision}g"</c>: as <see cref="G"/> without trailing zeros (nor a bare point).</summary>
    public static string ShortG(double v, int precision)
    {
        var s = G(v, precision);
        var e = s.IndexOf('e');
        var mantissa = e < 0 ? s : s[..e];
        if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
        return e < 0 ? mantissa : mantissa + s[e..];
    }

    /// <summary>Python's <c>"%#.{precision}g"</c>: significant digits kept with their trailing zeros and point.</summary>
    public static string G(double v, int precision)
    {
        if (NonFinite(v) is { } s) return s;
        var p = Math.Max(precision, 1);
        // Correctly rounded to p significant digits first; its exponent decides fixed or exponential notation.
        var e = v.ToString("E" + (p - 1), Ci);
        var exponent = int.Parse(e[(e.IndexOf('E') + 1)..], NumberStyles.AllowLeadingSign, Ci);
        if (exponent >= -4 && exponent < p)
        {
            var decimals = p - 1 - exponent;
            var f = v.ToString("F" + decimals, Ci);
            return decimals == 0 ? f + "." : f;
        }
        var mantissa = e[..e.IndexOf('E')];
        if (p == 1) mantissa += ".";
        var sign = exponent < 0 ? "-" : "+";
        return mantissa + "e" + sign + Math.Abs(exponent).ToString("00", Ci);
    }

    /// <summary>Python's <c>"%.{decimals}f"</c>.</summary>
    public static string F(double v, int decimals) => NonFinite(v) ?? v.ToString("F" + decimals, Ci);

    /// <summary>statsmodels' <c>d_or_f</c>: an integral count as an integer, else <c>%#6g</c>.</summary>
    public static string DOrF(double v) =>
        double.IsFinite(v) && v == Math.Floor(v) ? ((long)v).ToString(Ci) : G(v, 6);
}
