using System.Globalization;

namespace Degenerate.Statistics;

/// <summary>
/// Parses restrictions written over coefficient names, as statsmodels (patsy) accepts them: comma-separated linear
/// equations such as <c>"x1 = x2, 2*x3 - const = 0.5"</c>; an expression without "=" means "= 0". Each term is a
/// number, a name, or number*name; names match <see cref="GlmResult.ParamNames"/> exactly (the longest first).
/// </summary>
internal static class LinearRestriction
{
    public static (double[,] R, double[] Q) Parse(string text, IReadOnlyList<string> names, string argument)
    {
        ArgumentNullException.ThrowIfNull(text, argument);
        var equations = text.Split(',');
        var k = names.Count;
        var r = new double[equations.Length, k];
        var q = new double[equations.Length];
        var ordered = names.Select((n, i) => (n, i)).OrderByDescending(p => p.n.Length).ToArray();
        for (var e = 0; e < equations.Length; e++)
        {
            var sides = equations[e].Split('=');
            if (sides.Length > 2 || sides.Any(s => s.Trim().Length == 0))
                throw new ArgumentException($"restriction {e + 1} ('{equations[e].Trim()}') must be 'expression = expression' or one expression (= 0)", argument);
            var row = new double[k];
            var constant = 0.0;
            Side(sides[0], 1, row, ref constant, ordered, equations[e], argument);
            if (sides.Length == 2) Side(sides[1], -1, row, ref constant, ordered, equations[e], argument);
            if (row.All(v => v == 0))
                throw new ArgumentException($"restriction {e + 1} ('{equations[e].Trim()}') names no coefficient; known: {string.Join(", ", names)}", argument);
            for (var j = 0; j < k; j++) r[e, j] = row[j];
            q[e] = -constant;
        }
        return (r, q);
    }

    // Adds sign·(one side's terms) to row (coefficients) and constant.
    private static void Side(string side, double sign, double[] row, ref double constant, (string Name, int Index)[] names,
        string equation, string argument)
    {
        var s = side.Trim();
        var pos = 0;
        var first = true;
        while (true)
        {
            Skip(s, ref pos);
            if (pos >= s.Length) break;
            var termSign = 1.0;
            if (s[pos] is '+' or '-')
            {
                termSign = s[pos] == '-' ? -1 : 1;
                pos++;
                Skip(s, ref pos);
            }
            else if (!first) throw Bad(equation, s, pos, "expected '+' or '-'", argument);
            first = false;
            var factor = 1.0;
            var number = Number(s, ref pos);
            if (number is { } value)
            {
                Skip(s, ref pos);
                if (pos < s.Length && s[pos] == '*')
                {
                    pos++;
                    Skip(s, ref pos);
                    factor = value;
                }
                else
                {
                    constant += sign * termSign * value;
                    continue;
                }
            }
            var match = names.FirstOrDefault(n => string.CompareOrdinal(s, pos, n.Name, 0, n.Name.Length) == 0 && n.Name.Length > 0);
            if (match.Name is null) throw Bad(equation, s, pos, "expected a number or a coefficient name", argument);
            pos += match.Name.Length;
            row[match.Index] += sign * termSign * factor;
        }
        if (first) throw Bad(equation, s, pos, "an empty side", argument);
    }

    private static double? Number(string s, ref int pos)
    {
        var start = pos;
        while (pos < s.Length && (char.IsDigit(s[pos]) || s[pos] == '.' ||
               ((s[pos] is 'e' or 'E') && pos > start) || ((s[pos] is '+' or '-') && pos > start && s[pos - 1] is 'e' or 'E')))
            pos++;
        if (pos > start && double.TryParse(s.AsSpan(start, pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
        pos = start;
        return null;
    }

    private static void Skip(string s, ref int pos)
    {
        while (pos < s.Length && char.IsWhiteSpace(s[pos])) pos++;
    }

    private static ArgumentException Bad(string equation, string side, int pos, string what, string argument) =>
        new($"cannot read restriction '{equation.Trim()}' at '{side[Math.Min(pos, side.Length)..]}': {what}", argument);
}
