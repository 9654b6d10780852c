using System.Globalization;
using System.Text;
using Degenerate.Tensors;

namespace Degenerate.Models;

/// <summary>
/// Renders Keras 3's <c>model.summary()</c> table: 88 characters wide, columns "Layer (type)", "Output Shape",
/// "Param #" split at 45% / 80%, then total, trainable and non-trainable counts with their sizes (1024-based).
/// </summary>
internal static class SummaryTable
{
    private static readonly int[] Columns = [38, 29, 17]; // widths between borders, padding included

    public static string Render(Model model)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Model: \"{model.Name}\"\n");
        sb.Append(Border('┏', '┳', '┓', '━'));
        sb.Append(Row('┃', "Layer (type)", "Output Shape", "Param #"));
        sb.Append(Border('┡', '╇', '┩', '━'));
        long? width = model.InputDim;
        for (var i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            long? outWidth = width is { } w ? layer.OutputDim(w) : layer is Layers.Dense d ? d.Units : null;
            var shape = outWidth is { } o ? $"(None, {o})" : "?";
            var parms = layer.Built ? layer.ParamCount.ToString("N0", ci)
                : layer is Layers.Dense ? "0 (unbuilt)" : "0";
            sb.Append(Row('│', $"{layer.Name} ({layer.ClassName})", shape, parms));
            if (i < model.Layers.Count - 1) sb.Append(Border('├', '┼', '┤', '─'));
            width = outWidth;
        }
        sb.Append(Border('└', '┴', '┘', '─'));
        var total = model.ParamCount;
        var bytes = total * model.DType.ElementSize();
        sb.Append(CultureInfo.InvariantCulture, $" Total params: {total.ToString("N0", ci)} ({FormatBytes(bytes)})\n");
        sb.Append(CultureInfo.InvariantCulture, $" Trainable params: {total.ToString("N0", ci)} ({FormatBytes(bytes)})\n");
        sb.Append(" Non-trainable params: 0 (0.00 B)\n");
        return sb.ToString();
    }

    private static string Border(char left, char mid, char right, char fill) =>
        left + new string(fill, Columns[0]) + mid + new string(fill, Columns[1]) + mid + new string(fill, Columns[2]) + right + "\n";

    private static string Row(char bar, string a, string b, string c) =>
        bar + Cell(a, Columns[0], right: false) + bar + Cell(b, Columns[1], right: false) + bar + Cell(c, Columns[2], right: true) + bar + "\n";

    private static string Cell(string text, int width, bool right)
    {
        var inner = width - 2;
        if (text.Length > inner) text = text[..(inner - 1)] + "…";
        return " " + (right ? text.PadLeft(inner) : text.PadRight(inner)) + " ";
    }

    /// <summary>Keras's readable size: "324.00 B", "1.27 KB", "3.05 MB".</summary>
    internal static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double size = bytes;
        var unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }
        return size.ToString("F2", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
