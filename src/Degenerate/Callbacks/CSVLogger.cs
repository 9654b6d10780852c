using System.Text;

namespace Degenerate.Callbacks;

/// <summary>
/// Writes each epoch's figures to a CSV file, as <c>keras.callbacks.CSVLogger</c>: a header "epoch" followed by the
/// log keys in sorted order (with their "val_" counterparts added when the first epoch has none, so a later validated
/// epoch still has columns), one row per epoch with the 0-based epoch, "NA" for a figure an epoch lacks (e.g. between
/// validations with <c>validationFreq</c>), numbers as Python prints them, and lines ending in "\r\n" as Python's
/// csv module writes them. With <see cref="Append"/> an existing file is continued (its header kept).
/// The file is flushed after every epoch, so a killed run keeps its rows.
/// </summary>
public sealed class CSVLogger : Callback
{
    private List<string>? _keys;
    private StreamWriter? _file;
    private bool _writeHeader;

    /// <summary>Creates the callback.</summary>
    /// <param name="filename">The CSV file (its folder must exist).</param>
    /// <param name="separator">The field separator (Keras's default ",").</param>
    /// <param name="append">Continue an existing file instead of overwriting it.</param>
    public CSVLogger(string filename, string separator = ",", bool append = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filename);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        if (separator.Contains('\n') || separator.Contains('\r') || separator.Contains('"'))
            throw new ArgumentException($"separator '{separator}' cannot hold a quote or a line break", nameof(separator));
        Filename = filename;
        Separator = separator;
        Append = append;
    }

    /// <summary>The file written.</summary>
    public string Filename { get; }

    /// <summary>The field separator.</summary>
    public string Separator { get; }

    /// <summary>Whether an existing file is continued.</summary>
    public bool Append { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _file?.Dispose();
        _writeHeader = true;
        if (Append && File.Exists(Filename))
        {
            // As Keras: the header is written only into an empty file.
            using (var reader = new StreamReader(Filename)) _writeHeader = string.IsNullOrEmpty(reader.ReadLine());
        }
        _file = new StreamWriter(Filename, Append, new UTF8Encoding(false));
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        var file = _file ?? throw new InvalidOperationException("CSVLogger used outside Fit (OnTrainBegin was not called)");
        if (_keys is null)
        {
            _keys = logs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (!_keys.Any(k => k.StartsWith("val_", StringComparison.Ordinal)))
                _keys.AddRange(_keys.Select(k => "val_" + k).ToList());
        }
        if (_writeHeader)
        {
            WriteRow(file, ["epoch", .. _keys]);
            _writeHeader = false;
        }
        var row = new List<string> { epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        row.AddRange(_keys.Select(k => logs.TryGetValue(k, out var v) ? PythonFloat.Format(v) : "NA"));
        WriteRow(file, row);
        file.Flush();
    }

    private void WriteRow(StreamWriter file, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) file.Write(Separator);
            var field = fields[i];
            // Python's csv quotes a field that holds the separator or a quote (minimal quoting).
            if (field.Contains(Separator, StringComparison.Ordinal) || field.Contains('"'))
                field = "\"" + field.Replace("\"", "\"\"") + "\"";
            file.Write(field);
        }
        file.Write("\r\n");
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        _file?.Dispose();
        _file = null;
    }
}
