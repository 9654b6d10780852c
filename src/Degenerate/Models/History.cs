namespace Degenerate.Models;

/// <summary>
/// What <c>Fit</c> returns: per-epoch figures by Keras key ("loss", "accuracy", "val_loss", "learning_rate", ...),
/// like Keras's <c>History.history</c>.
/// </summary>
public sealed class History
{
    private readonly Dictionary<string, List<double>> _values = new();
    private readonly List<int> _epochs = new();

    /// <summary>0-based indices of the epochs run.</summary>
    public IReadOnlyList<int> Epoch => _epochs;

    /// <summary>Every series by key.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Values =>
        _values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value);

    /// <summary>The keys present ("loss", "val_loss", ...).</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>The series for one key; throws with the available keys when absent.</summary>
    public IReadOnlyList<double> this[string key] => _values.TryGetValue(key, out var v)
        ? v
        : throw new KeyNotFoundException($"no '{key}' in history; available: {string.Join(", ", _values.Keys)}");

    /// <summary>Whether a series exists.</summary>
    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>Number of epochs recorded.</summary>
    public int Count => _epochs.Count;

    internal void Record(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _epochs.Add(epoch);
        foreach (var (key, value) in logs)
        {
            if (!_values.TryGetValue(key, out var list)) _values[key] = list = new List<double>();
            list.Add(value);
        }
    }
}
