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
        // Keras shows "?" and "0 (unbuilt)" for every layer until the input width is known.
        long? width = model.Built ? model.InputDim : null;
        for (var i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            long? outWidth = width is { } w ? layer.OutputDim(w) : null;
            var shape = outWidth is { } o ? $"(None, {o})" : "?";
            var parms = outWidth is null ? "0 (unbuilt)" : layer.ParamCount.ToString("N0", ci);
            sb.Append(Row('│', $"{layer.Name} ({layer.ClassName})", shape, parms));
            if (i < model.Layers.Count - 1) sb.Append(Border('├', '┼', '┤', '─'));
            width = outWidth;
        }
        sb.Append(Border('└', '┴', '┘', '─'));
        var total = model.ParamCount;
        var bytes = total * model.DType.ElementSize();
        sb.Append(CultureInfo.InvariantCulture, $" Total params: {total.ToString("N0", ci)} ({FormatBytes(bytes)})\n");
        var trainable = model.TrainableParamCount;
        var frozen = model.NonTrainableParamCount;
        var size = model.DType.ElementSize();
        sb.Append(CultureInfo.InvariantCulture, $" Trainable params: {trainable.ToString("N0", ci)} ({FormatBytes(trainable * size)})\n");
        sb.Append(CultureInfo.InvariantCulture, $" Non-trainable params: {frozen.ToString("N0", ci)} ({FormatBytes(frozen * size)})\n");
        return sb.ToString();
    }

    private static string Border(char left, char mid, char right, char fill) =>
        left + new string(fill, Columns[0]) + mid + new string(fill, Columns[1]) + mid + new string(fill, Columns[2]) + right + "\n";

    // One table row; a cell too long for its column wraps onto further lines (at a space when it can), as rich does.
    private static string Row(char bar, string a, string b, string c)
    {
        var cells = new[] { Wrap(a, Columns[0] - 2), Wrap(b, Columns[1] - 2), Wrap(c, Columns[2] - 2) };
        var lines = cells.Max(x => x.Count);
        var sb = new StringBuilder();
        for (var line = 0; line < lines; line++)
        {
            string Part(int col) => line < cells[col].Count ? cells[col][line] : "";
            sb.Append(bar).Append(Cell(Part(0), Columns[0], right: false))
              .Append(bar).Append(Cell(Part(1), Columns[1], right: false))
              .Append(bar).Append(Cell(Part(2), Columns[2], right: true)).Append(bar).Append('\n');
        }
        return sb.ToString();
    }

    private static List<string> Wrap(string text, int inner)
    {
        var lines = new List<string>();
        while (text.Length > inner)
        {
            var cut = text.LastIndexOf(' ', inner);
            if (cut <= 0)
            {
                lines.Add(text[..inner]);
                text = text[inner..];
            }
            else
            {
                lines.Add(text[..cut]);
                text = text[(cut + 1)..];
            }
        }
        lines.Add(text);
        return lines;
    }

    private static string Cell(string text, int width, bool right)
    {
        var inner = width - 2;
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
