using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Degenerate.Callbacks;

/// <summary>
/// Saves the model (or only its weights) after epochs, as <c>keras.callbacks.ModelCheckpoint</c>. The path may hold
/// Python-style fields filled from the epoch (1-based) and its logs, e.g. <c>"model-{epoch:02d}-{val_loss:.4f}.dgm"</c>.
/// With <see cref="SaveBestOnly"/> a file is written only when the monitored figure improves. Files are written
/// atomically: a failed save leaves an existing file intact.
/// </summary>
public sealed partial class ModelCheckpoint : Callback
{
    private double _best;

    /// <summary>Creates the callback with Keras's defaults.</summary>
    public ModelCheckpoint(string filepath, string monitor = "val_loss", bool verbose = false, bool saveBestOnly = false,
        bool saveWeightsOnly = false, MonitorMode mode = MonitorMode.Auto, double? initialValueThreshold = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filepath);
        if (initialValueThreshold is { } t && !double.IsFinite(t))
            throw new ArgumentOutOfRangeException(nameof(initialValueThreshold), t, "initialValueThreshold must be finite (or null for none)");
        Filepath = filepath;
        Monitor = monitor;
        Verbose = verbose;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        Maximize = MonitorModes.Maximizes(mode, monitor);
        InitialValueThreshold = initialValueThreshold;
    }

    /// <summary>The path pattern.</summary>
    public string Filepath { get; }

    /// <summary>The figure compared with <see cref="SaveBestOnly"/>.</summary>
    public string Monitor { get; }

    /// <summary>Whether to print each save.</summary>
    public bool Verbose { get; }

    /// <summary>Whether to save only on improvement.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Whether to write only the weights.</summary>
    public bool SaveWeightsOnly { get; }

    /// <summary>True when higher is better.</summary>
    public bool Maximize { get; }

    /// <summary>A value the figure must beat before anything is saved.</summary>
    public double? InitialValueThreshold { get; }

    /// <summary>Paths written so far, in order.</summary>
    public List<string> Saved { get; } = new();

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _best = InitialValueThreshold ?? (Maximize ? double.NegativeInfinity : double.PositiveInfinity);
        Saved.Clear();
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        var model = Model ?? throw new InvalidOperationException("ModelCheckpoint used outside Fit");
        var path = FormatPath(Filepath, epoch + 1, logs);
        if (SaveBestOnly)
        {
            if (!logs.TryGetValue(Monitor, out var current))
            {
                // Keras 3 warns and saves anyway rather than silently skipping the checkpoint.
                var warning = $"ModelCheckpoint: can save best model only with '{Monitor}' available, but it is not among the logs ({string.Join(", ", logs.Keys)}); saving anyway";
                Console.Error.WriteLine(warning);
                model.Logger?.LogWarning(warning);
            }
            else
            {
                var improved = Maximize ? current > _best : current < _best;
                if (!improved)
                {
                    if (Verbose)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"Epoch {epoch + 1}: {Monitor} did not improve from {_best:F5}"));
                    return;
                }
                if (Verbose)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Epoch {epoch + 1}: {Monitor} improved from {_best:F5} to {current:F5}, saving model to {path}"));
                _best = current;
            }
        }
        else if (Verbose)
        {
            Console.WriteLine($"Epoch {epoch + 1}: saving model to {path}");
        }
        // Keras creates the checkpoint folder on demand.
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        if (SaveWeightsOnly) model.SaveWeights(path);
        else model.Save(path);
        Saved.Add(path);
    }

    /// <summary>Fills {epoch}, {epoch:02d}, {val_loss:.4f} and the like.</summary>
    internal static string FormatPath(string pattern, int epoch, IDictionary<string, double> logs) =>
        Field().Replace(pattern, m =>
        {
            var key = m.Groups["key"].Value;
            var spec = m.Groups["spec"].Success ? m.Groups["spec"].Value : "";
            if (key == "epoch") return FormatNumber(epoch, spec, isInteger: true);
            if (logs.TryGetValue(key, out var v)) return FormatNumber(v, spec, isInteger: false);
            throw new KeyError($"ModelCheckpoint path '{pattern}' uses '{{{key}}}', which is not among the logs ({string.Join(", ", logs.Keys)})");
        });

    private static string FormatNumber(double value, string spec, bool isInteger)
    {
        var ci = CultureInfo.InvariantCulture;
        if (spec.Length == 0) return isInteger ? ((long)value).ToString(ci) : value.ToString("R", ci);
        var m = Spec().Match(spec);
        if (!m.Success) throw new FormatException($"unsupported format spec ':{spec}'; use forms like 02d, .4f or .3e");
        var width = m.Groups["width"].Success ? int.Parse(m.Groups["width"].Value, ci) : 0;
        var zero = m.Groups["zero"].Success;
        var precision = m.Groups["prec"].Success ? int.Parse(m.Groups["prec"].Value, ci) : 6;
        var text = m.Groups["type"].Value switch
        {
            "d" => ((long)Math.Round(value)).ToString(ci),
            "f" => value.ToString("F" + precision, ci),
            "e" => value.ToString((precision == 0 ? "0" : "0." + new string('0', precision)) + "e+00", ci),
            _ => value.ToString("R", ci),
        };
        if (text.Length >= width) return text;
        if (!zero) return new string(' ', width - text.Length) + text;
        var sb = new StringBuilder();
        var negative = text.StartsWith('-');
        if (negative) sb.Append('-');
        sb.Append('0', width - text.Length);
        sb.Append(negative ? text[1..] : text);
        return sb.ToString();
    }

    [GeneratedRegex(@"\{(?<key>[A-Za-z_][A-Za-z0-9_]*)(:(?<spec>[^}]*))?\}")]
    private static partial Regex Field();

    [GeneratedRegex(@"^(?<zero>0)?(?<width>[1-9][0-9]*)?(\.(?<prec>[0-9]+))?(?<type>[dfeg])?$")]
    private static partial Regex Spec();

    private sealed class KeyError(string message) : KeyNotFoundException(message);
}
