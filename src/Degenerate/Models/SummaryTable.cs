using System.Globalization;
using System.Text;
using Degenerate.Tensors;

namespace Degenerate.Models;

/// <summary>
/// Renders Keras 3's <c>model.summary()</c> table: 88 characters wide, columns "Layer (type)", "Output Shape",
/// "Param #" split at 45% / 80%, then total, trainable and non-trainable counts with their sizes (1024-based), and,
/// once the optimizer has taken a step, its variables as Keras counts them (counted in the total too).
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
        var size = model.DType.ElementSize();
        var optimizer = OptimizerVariables(model);
        var total = model.ParamCount + (optimizer?.Count ?? 0);
        var bytes = model.ParamCount * size + (optimizer?.Bytes ?? 0);
        sb.Append(CultureInfo.InvariantCulture, $" Total params: {total.ToString("N0", ci)} ({FormatBytes(bytes)})\n");
        var trainable = model.TrainableParamCount;
        var frozen = model.NonTrainableParamCount;
        sb.Append(CultureInfo.InvariantCulture, $" Trainable params: {trainable.ToString("N0", ci)} ({FormatBytes(trainable * size)})\n");
        sb.Append(CultureInfo.InvariantCulture, $" Non-trainable params: {frozen.ToString("N0", ci)} ({FormatBytes(frozen * size)})\n");
        if (optimizer is { } opt)
            sb.Append(CultureInfo.InvariantCulture, $" Optimizer params: {opt.Count.ToString("N0", ci)} ({FormatBytes(opt.Bytes)})\n");
        return sb.ToString();
    }

    /// <summary>
    /// The optimizer's variables as Keras 3 lists them (<c>optimizer.variables</c>, which summary_utils counts once the
    /// optimizer is built, i.e. after training or loading a trained model): its step counter "iteration" (an int, 4
    /// bytes on Keras's torch backend), its "learning_rate" (a float32 variable unless a schedule sets it), and per
    /// trainable weight one slot of the weight's shape and dtype for each moment the optimizer keeps; Nadam adds its
    /// scalar momentum-decay product. Null before the first step, and for the exact solvers (Newton, LBFGS), which
    /// Keras does not have. Counted from Keras's definitions, not from Degenerate's engine state, which keeps a fixed
    /// number of slots whatever the optimizer.
    /// </summary>
    internal static (long Count, long Bytes)? OptimizerVariables(Model model)
    {
        if (model.Optimizer is not { } optimizer || optimizer is Optimizers.FullBatchOptimizer || !optimizer.IsBuilt) return null;
        if (optimizer.Iterations == 0) return null;
        var config = optimizer.Config;
        bool On(string key) => config.TryGetValue(key, out var v) && v != 0;
        var slots = optimizer switch
        {
            Optimizers.SGD => On("momentum") ? 1 : 0,
            Optimizers.Adam or Optimizers.AdamW => On("amsgrad") ? 3 : 2,
            Optimizers.Adamax or Optimizers.Nadam => 2,
            Optimizers.RMSprop => 1 + (On("momentum") ? 1 : 0) + (On("centered") ? 1 : 0),
            Optimizers.Adagrad or Optimizers.Lion => 1,
            _ => 0,
        };
        var size = model.DType.ElementSize();
        var weights = model.TrainableParamCount;
        long count = 1, bytes = 4; // iteration
        if (optimizer.LearningRateSchedule is null)
        {
            count += 1;
            bytes += 4;
        }
        count += slots * weights;
        bytes += slots * weights * size;
        if (optimizer is Optimizers.Nadam)
        {
            count += 1;
            bytes += size;
        }
        return (count, bytes);
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
