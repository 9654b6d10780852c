using System.Globalization;
using System.Runtime.CompilerServices;

namespace Degenerate.Cli;

/// <summary>
/// Reads a CSV cell as a number. Plain decimals (an optional sign, at most 19 significant digits, an optional
/// fraction and exponent) whose digits fit 2^53 and whose power of ten is at most 22 are converted exactly with one
/// multiplication or division (Clinger's fast path: both operands exact, so the one rounding is the correct one);
/// everything else goes to double.TryParse, which the result always equals.
/// </summary>
internal static class CsvNumber
{
    private static readonly double[] Powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<byte> s, out double value)
    {
        if (TryFast(s, out value)) return true;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryFast(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (s.Length == 0) return false;
        if (s[0] == '-' || s[0] == '+') { negative = s[0] == '-'; i = 1; }
        ulong mantissa = 0;
        var digits = 0;    // significant digits taken into the mantissa
        var scale = 0;     // power of ten from the fraction
        var any = false;
        for (; i < s.Length && (uint)(s[i] - '0') <= 9; i++)
        {
            any = true;
            if (mantissa == 0 && s[i] == '0') continue; // leading zeros are not significant
            if (++digits > 19) return false;
            mantissa = mantissa * 10 + (uint)(s[i] - '0');
        }
        if (i < s.Length && s[i] == '.')
        {
            for (i++; i < s.Length && (uint)(s[i] - '0') <= 9; i++)
            {
                any = true;
                scale--;
                if (mantissa == 0 && s[i] == '0') continue;
                if (++digits > 19) return false;
                mantissa = mantissa * 10 + (uint)(s[i] - '0');
            }
        }
        if (!any) return false;
        if (i < s.Length && (s[i] | 0x20) == 'e')
        {
            i++;
            var expNegative = false;
            if (i < s.Length && (s[i] == '-' || s[i] == '+')) { expNegative = s[i] == '-'; i++; }
            var start = i;
            var exponent = 0;
            for (; i < s.Length && (uint)(s[i] - '0') <= 9; i++)
            {
                if (exponent > 10_000) return false;
                exponent = exponent * 10 + (s[i] - '0');
            }
            if (i == start) return false;
            scale += expNegative ? -exponent : exponent;
        }
        if (i != s.Length) return false; // anything else (blanks, hex, "NaN", a second point): the general parser decides
        if (mantissa > (1UL << 53) || scale < -22 || scale > 22) return false;
        double m = mantissa;
        value = scale < 0 ? m / Powers[-scale] : m * Powers[scale];
        if (negative) value = -value;
        return true;
    }
}
