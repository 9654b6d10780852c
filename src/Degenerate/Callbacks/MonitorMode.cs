namespace Degenerate.Callbacks;

/// <summary>Whether a monitored figure should go down or up, as Keras's <c>mode</c> argument.</summary>
public enum MonitorMode
{
    /// <summary>
    /// Inferred: figures containing "acc" or "auc" are maximized, everything else minimized; EarlyStopping, as Keras 3's,
    /// first asks the compiled metric that the monitor names for its direction (precision, recall, F1, R² go up).
    /// </summary>
    Auto,
    /// <summary>Lower is better.</summary>
    Min,
    /// <summary>Higher is better.</summary>
    Max,
}

internal static class MonitorModes
{
    /// <summary>True when <paramref name="mode"/> (resolved for <paramref name="monitor"/>) maximizes.</summary>
    public static bool Maximizes(MonitorMode mode, string monitor) => mode switch
    {
        MonitorMode.Max => true,
        MonitorMode.Min => false,
        _ => !monitor.EndsWith("loss", StringComparison.Ordinal) &&
             (monitor.Contains("acc", StringComparison.Ordinal) || monitor.Contains("auc", StringComparison.Ordinal)),
    };
}
