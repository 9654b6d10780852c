using System.Globalization;

namespace Degenerate.Callbacks;

// Numbers written as Python's str(float) writes them (the shortest text that reads back exactly; "0.5", "2.0",
// "1e-05", "1.5e+16"), so files written by callbacks read the same as Keras's.
internal static class PythonFloat
{
    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        // Digits and decimal exponent of the shortest representation.
        var negative = shortest.StartsWith('-');
        var body = negative ? shortest[1..] : shortest;
        int exponent = 0;
        var e = body.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(body[(e + 1)..], CultureInfo.InvariantCulture);
            body = body[..e];
        }
        var dot = body.IndexOf('.');
        var intPart = dot >= 0 ? body[..dot] : body;
        var fracPart = dot >= 0 ? body[(dot + 1)..] : "";
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        // Position of the decimal point relative to the first significant digit.
        var pointPos = intPart.Length - leadingZeros + exponent; // value = 0.digits × 10^pointPos
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var decimalExponent = pointPos - 1; // value = d.ddd × 10^decimalExponent
        string text;
        if (decimalExponent is >= -4 and < 16)
        {
            if (pointPos <= 0) text = "0." + new string('0', -pointPos) + digits;
            else if (pointPos >= digits.Length) text = digits + new string('0', pointPos - digits.Length) + ".0";
            else text = digits[..pointPos] + "." + digits[pointPos..];
        }
        else
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var sign = decimalExponent < 0 ? "-" : "+";
            text = mantissa + "e" + sign + Math.Abs(decimalExponent).ToString("00", CultureInfo.InvariantCulture);
        }
        return negative ? "-" + text : text;
    }
}
