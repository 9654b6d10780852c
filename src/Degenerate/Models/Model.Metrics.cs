using System.Text.Json.Nodes;
using Degenerate.Metrics;

namespace Degenerate.Models;

// The compiled metrics: which see sample weights, and the keys they are logged under.
public abstract partial class Model
{
    private List<CompiledMetric> _compiledMetrics = new();

    // A compiled metric with the key it is logged under and whether it sees sample weights.
    private sealed record CompiledMetric(Metric Metric, string Key, bool Weighted);

    // Keras 3's _direction of the compiled metric logged under key (a "val_" prefix dropped), or null when no compiled
    // metric has that key: EarlyStopping's auto mode then falls back to the name.
    internal bool? MetricHigherIsBetter(string key)
    {
        var name = key.StartsWith("val_", StringComparison.Ordinal) ? key[4..] : key;
        foreach (var m in _compiledMetrics)
            if (m.Key == name) return m.Metric.HigherIsBetter;
        return null;
    }

    // What a saved file keeps of the compiled metrics (compile.metrics or compile.weighted_metrics): the names given to
    // Compile, or else each metric object's Keras-style {"class_name", "config"} where it has one (others are left out,
    // with a warning).
    internal List<JsonNode> SavedMetrics(bool weighted)
    {
        var names = weighted ? WeightedMetricNames : MetricNames;
        if (names.Count > 0) return names.Select(n => (JsonNode)n).ToList();
        var saved = new List<JsonNode>();
        foreach (var m in _compiledMetrics.Where(c => c.Weighted == weighted))
        {
            if (MetricConfig.ToConfig(m.Metric) is { } config) saved.Add(config);
            else
                Logger?.LogWarning("metric {Metric} ({Type}) is not written to the model file: give it to Compile by name to keep it",
                    m.Key, m.Metric.GetType().Name);
        }
        return saved;
    }

    // The compiled metrics' running values under their logged keys: what Keras's batch-end logs carry.
    private Dictionary<string, double> RunningMetricValues()
    {
        var values = new Dictionary<string, double>();
        foreach (var m in _compiledMetrics) m.Metric.WriteResults(values, m.Key);
        return values;
    }

    /// <summary>The metrics given as <c>weightedMetrics</c> (they see sample and class weights).</summary>
    public IReadOnlyList<Metric> WeightedMetrics => _compiledMetrics.Where(m => m.Weighted).Select(m => m.Metric).ToList();

    // Keras's CompileMetrics.result naming: a repeated plain name gets _1, _2, ...; a weighted metric whose name is
    // taken becomes weighted_<name> (then numbered if that is taken too).
    private void SetMetrics(IEnumerable<Metric> plain, IEnumerable<Metric> weighted)
    {
        foreach (var old in _compiledMetrics) old.Metric.ReleaseState();
        _metrics.Clear();
        _compiledMetrics = new List<CompiledMetric>();
        var counters = new Dictionary<string, int>();
        string Unique(string key)
        {
            if (counters.TryAdd(key, 1)) return key;
            return $"{key}_{counters[key]++}";
        }
        foreach (var m in plain)
        {
            ArgumentNullException.ThrowIfNull(m, "metrics");
            _compiledMetrics.Add(new CompiledMetric(m, Unique(m.Name), false));
        }
        foreach (var m in weighted)
        {
            ArgumentNullException.ThrowIfNull(m, "weightedMetrics");
            var key = counters.ContainsKey(m.Name) ? Unique("weighted_" + m.Name) : Unique(m.Name);
            _compiledMetrics.Add(new CompiledMetric(m, key, true));
        }
        _metrics.AddRange(_compiledMetrics.Select(c => c.Metric));
    }
}
