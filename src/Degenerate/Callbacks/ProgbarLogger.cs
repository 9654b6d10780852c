using System.Diagnostics;
using System.Globalization;
using System.Text;
using Degenerate.Models;

namespace Degenerate.Callbacks;

/// <summary>
/// Keras's console output for Fit. verbose 1: "Epoch e/E", then a bar redrawn in place on a terminal (at most every
/// 50 ms, reading the running figures only then), or just the finished line when output is redirected; verbose 2:
/// one line per epoch. Figures print as Keras does: .4f when |v| &gt; 1e-3, else .4e.
/// </summary>
internal sealed class ProgbarLogger : Callback
{
    private const int Width = 20;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly int _verbose;
    private readonly int _epochs;
    private readonly int _steps;
    private readonly Model.EpochTracker _tracker;
    private readonly bool _dynamic;
    private readonly Stopwatch _clock = new();
    private TimeSpan _lastDraw;
    private TimeSpan _firstStepEnd;
    private int _stepsDone;
    private int _drawnWidth;

    public ProgbarLogger(int verbose, int epochs, int steps, Model.EpochTracker tracker)
    {
        _verbose = verbose;
        _epochs = epochs;
        _steps = steps;
        _tracker = tracker;
        _dynamic = verbose == 1 && !Console.IsOutputRedirected;
    }

    public override void OnEpochBegin(int epoch)
    {
        if (_epochs > 1) Console.WriteLine($"Epoch {epoch + 1}/{_epochs}");
        _clock.Restart();
        _lastDraw = TimeSpan.Zero;
        _stepsDone = 0;
        _drawnWidth = 0;
    }

    /// <summary>Whether the logger draws between batches (a bar on a terminal), which needs per-batch callbacks.</summary>
    internal bool NeedsBatches => _dynamic;

    /// <summary>Records an epoch of <paramref name="steps"/> batches run in one native call (a training plan).</summary>
    internal void StepsCompleted(int steps)
    {
        _stepsDone = steps;
        // No per-step clock inside the call: the printed time per step is the epoch's mean.
        _firstStepEnd = steps > 0 ? _clock.Elapsed / steps : TimeSpan.Zero;
    }

    public override void OnTrainBatchEnd(int batch, BatchLogs logs)
    {
        _stepsDone = batch + 1;
        if (_stepsDone == 1) _firstStepEnd = _clock.Elapsed;
        if (!_dynamic || (_steps > 0 && _stepsDone >= _steps)) return;
        var now = _clock.Elapsed;
        if (now - _lastDraw < Interval) return;
        _lastDraw = now;
        var line = Line(_stepsDone, now, _tracker.Results(prefix: ""), finished: false);
        Console.Write("\r" + line + new string(' ', Math.Max(0, _drawnWidth - VisibleLength(line))));
        _drawnWidth = VisibleLength(line);
    }

    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        var now = _clock.Elapsed;
        var values = new Dictionary<string, double>(logs);
        if (_verbose == 2)
        {
            var sb = new StringBuilder();
            sb.Append(Count(_stepsDone));
            sb.Append(CultureInfo.InvariantCulture, $" - {now.TotalSeconds:F0}s -{FormatTime(StepTime(now))}");
            foreach (var (k, v) in values) sb.Append($" - {k}: {FormatValue(v)}");
            Console.WriteLine(sb.ToString());
            return;
        }
        var line = Line(_stepsDone, now, values, finished: true);
        if (_dynamic) Console.WriteLine("\r" + line + new string(' ', Math.Max(0, _drawnWidth - VisibleLength(line))));
        else Console.WriteLine(line);
    }

    // "7/10"; "7/Unknown" for a sequence of batches of unknown length (as Keras prints it).
    private string Count(int current)
    {
        if (_steps == 0) return current.ToString(CultureInfo.InvariantCulture) + "/Unknown";
        var digits = _steps.ToString(CultureInfo.InvariantCulture).Length;
        return current.ToString(CultureInfo.InvariantCulture).PadLeft(digits) + "/" + _steps;
    }

    private double StepTime(TimeSpan now)
    {
        // Keras leaves the first step (warm-up) out of the estimate when there are later ones.
        if (_stepsDone > 1) return (now - _firstStepEnd).TotalSeconds / (_stepsDone - 1);
        return _stepsDone == 1 ? now.TotalSeconds : 0;
    }

    private string Line(int current, TimeSpan now, IReadOnlyDictionary<string, double> values, bool finished)
    {
        var count = Count(current);
        var done = _steps == 0 ? Width : (int)(Width * (double)current / _steps);
        var sb = new StringBuilder();
        if (_dynamic)
        {
            sb.Append("\x1b[1m").Append(count).Append("\x1b[0m ");
            if (done > 0) sb.Append("\x1b[32m").Append('━', done).Append("\x1b[0m");
            if (done < Width) sb.Append("\x1b[37m").Append('━', Width - done).Append("\x1b[0m");
        }
        else
        {
            sb.Append(count).Append(' ').Append('━', Width);
        }
        var perStep = StepTime(now);
        if (!finished && _steps > 0)
        {
            var eta = perStep * (_steps - current);
            var etaText = eta > 3600 ? $"{(int)eta / 3600}:{(int)eta % 3600 / 60:D2}:{(int)eta % 60:D2}"
                : eta > 60 ? $"{(int)eta / 60}:{(int)eta % 60:D2}" : $"{(int)eta}s";
            sb.Append(_dynamic ? $" \x1b[1m{etaText}\x1b[0m" : " " + etaText);
        }
        else
        {
            var elapsed = now.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + "s";
            sb.Append(_dynamic ? $" \x1b[1m{elapsed}\x1b[0m" : " " + elapsed);
        }
        sb.Append(FormatTime(perStep));
        foreach (var (k, v) in values) sb.Append($" - {k}: {FormatValue(v)}");
        return sb.ToString();
    }

    private static int VisibleLength(string s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\x1b')
            {
                while (i < s.Length && s[i] != 'm') i++;
                continue;
            }
            n++;
        }
        return n;
    }

    /// <summary>Keras's time-per-step format: " 2s/step", " 15ms/step", " 120us/step".</summary>
    internal static string FormatTime(double seconds)
    {
        var ci = CultureInfo.InvariantCulture;
        if (seconds >= 1 || seconds == 0) return string.Create(ci, $" {seconds:F0}s/step");
        if (seconds >= 1e-3) return string.Create(ci, $" {seconds * 1e3:F0}ms/step");
        return string.Create(ci, $" {seconds * 1e6:F0}us/step");
    }

    /// <summary>Keras's figure format: .4f when |v| &gt; 1e-3, else .4e (Python style exponent).</summary>
    internal static string FormatValue(double v)
    {
        var ci = CultureInfo.InvariantCulture;
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        return Math.Abs(v) > 1e-3 ? v.ToString("F4", ci) : v.ToString("0.0000e+00", ci);
    }
}
