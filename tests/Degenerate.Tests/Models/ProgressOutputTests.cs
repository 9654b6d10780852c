using System.Globalization;
using System.Text.RegularExpressions;
using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using Microsoft.Extensions.Logging;

namespace Degenerate.Tests.Models;

// These tests capture the console, which is process-wide: they run in the serial collection.
[Collection(Serial.Name)]
public partial class ProgressOutputTests
{
    private static (double[,] X, double[] Y) Data(int n)
    {
        var x = new double[n, 2];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i, 0] = i / (double)n;
            x[i, 1] = Math.Cos(i);
            y[i] = 2 * x[i, 0] - x[i, 1];
        }
        return (x, y);
    }

    private static string[] CaptureLines(Action action)
    {
        var original = Console.Out;
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(writer);
        try { action(); }
        finally { Console.SetOut(original); }
        return writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    }

    private static Sequential NewModel()
    {
        var model = new Sequential(new Dense(1, inputDim: 2)) { DType = DType.Float64, Device = Device.CPU };
        model.SetWeights(new Array[] { new double[,] { { 0.1 }, { 0.2 } }, new[] { 0.0 } });
        model.Compile(new SGD(0.05), "mse", ["mae"]);
        return model;
    }

    [GeneratedRegex(@"^3/3 - \d+s - \d+(s|ms|us)/step - loss: (?<loss>\S+) - mae: (?<mae>\S+) - val_loss: (?<vl>\S+) - val_mae: (?<vm>\S+)$")]
    private static partial Regex VerboseTwoLine();

    [Fact]
    public void VerboseTwoPrintsOneKerasLinePerEpoch()
    {
        var (x, y) = Data(12); // 9 training rows in batches of 4: 3 steps
        using var model = NewModel();
        History h = null!;
        var lines = CaptureLines(() => h = model.Fit(x, y, epochs: 3, batchSize: 4, validationSplit: 0.25, verbose: 2));

        Assert.Equal(6, lines.Length);
        for (var e = 0; e < 3; e++)
        {
            Assert.Equal($"Epoch {e + 1}/3", lines[2 * e]);
            var m = VerboseTwoLine().Match(lines[2 * e + 1]);
            Assert.True(m.Success, $"unexpected line: {lines[2 * e + 1]}");
            Assert.Equal(Keras4(h["loss"][e]), m.Groups["loss"].Value);
            Assert.Equal(Keras4(h["mae"][e]), m.Groups["mae"].Value);
            Assert.Equal(Keras4(h["val_loss"][e]), m.Groups["vl"].Value);
            Assert.Equal(Keras4(h["val_mae"][e]), m.Groups["vm"].Value);
        }
    }

    // Python's f"{v:.4f}" for |v| > 1e-3, else f"{v:.4e}", written independently of the library's formatter.
    private static string Keras4(double v)
    {
        if (Math.Abs(v) > 1e-3) return v.ToString("F4", CultureInfo.InvariantCulture);
        var exponent = v == 0 ? 0 : (int)Math.Floor(Math.Log10(Math.Abs(v)));
        var mantissa = v / Math.Pow(10, exponent);
        if (Math.Abs(Math.Round(mantissa, 4)) >= 10) { mantissa /= 10; exponent++; }
        return mantissa.ToString("F4", CultureInfo.InvariantCulture) + (exponent < 0 ? "e-" : "e+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData(0.5, "0.5000")]
    [InlineData(1234.56789, "1234.5679")]
    [InlineData(-0.25, "-0.2500")]
    [InlineData(0.00012345, "1.2345e-04")]
    [InlineData(0.001, "1.0000e-03")]
    [InlineData(0.0, "0.0000e+00")]
    [InlineData(-2e-7, "-2.0000e-07")]
    [InlineData(double.NaN, "nan")]
    public void FiguresUseKerasNumberFormat(double value, string expected)
    {
        Assert.Equal(expected, ProgbarLogger.FormatValue(value));
        if (double.IsFinite(value)) Assert.Equal(expected, Keras4(value));
    }

    [Theory]
    [InlineData(2.4, " 2s/step")]
    [InlineData(0.0153, " 15ms/step")]
    [InlineData(0.000120, " 120us/step")]
    public void StepTimesUseKerasUnits(double seconds, string expected) => Assert.Equal(expected, ProgbarLogger.FormatTime(seconds));

    [GeneratedRegex(@"^3/3 ━{20} \d+s \d+(s|ms|us)/step - loss: (?<loss>\S+) - mae: (?<mae>\S+)$")]
    private static partial Regex VerboseOneLine();

    [SkippableFact]
    public void VerboseOneWithoutATerminalPrintsOneFinishedBarPerEpoch()
    {
        Skip.IfNot(Console.IsOutputRedirected, "stdout is a terminal here: the bar is redrawn in place");
        var (x, y) = Data(12);
        using var model = NewModel();
        History h = null!;
        var lines = CaptureLines(() => h = model.Fit(x, y, epochs: 2, batchSize: 4, validationSplit: 0.25, verbose: 1));

        Assert.Equal(4, lines.Length);
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.Equal("Epoch 2/2", lines[2]);
        foreach (var (line, e) in new[] { (lines[1], 0), (lines[3], 1) })
        {
            Assert.DoesNotContain('\x1b', line); // no colour codes in a file or pipe
            Assert.DoesNotContain('\r', line);
            var m = VerboseOneLine().Match(line.Split(" - val_loss")[0]);
            Assert.True(m.Success, $"unexpected line: {line}");
            Assert.Equal(Keras4(h["loss"][e]), m.Groups["loss"].Value);
            Assert.EndsWith($" - val_loss: {Keras4(h["val_loss"][e])} - val_mae: {Keras4(h["val_mae"][e])}", line);
        }
    }

    [Fact]
    public void OneEpochPrintsNoEpochHeaderAndVerboseZeroPrintsNothing()
    {
        var (x, y) = Data(8);
        using var model = NewModel();
        var lines = CaptureLines(() => model.Fit(x, y, epochs: 1, batchSize: 4, verbose: 2));
        Assert.Single(lines);
        Assert.StartsWith("2/2 - ", lines[0]);
        Assert.Empty(CaptureLines(() => model.Fit(x, y, epochs: 3, verbose: 0)));
    }

    [Fact]
    public void CallbackFiguresSuchAsTheLearningRateAppearOnTheLine()
    {
        var (x, y) = Data(8);
        using var model = NewModel();
        var lines = CaptureLines(() => model.Fit(x, y, epochs: 2, verbose: 2,
            callbacks: [new ReduceLROnPlateau(monitor: "loss", patience: 5)]));
        Assert.EndsWith(" - learning_rate: 0.0500", lines[1]);
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> State)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception),
                state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
    }

    [Fact]
    public void LoggerReceivesEveryEpochsFigures()
    {
        var (x, y) = Data(12);
        using var model = NewModel();
        var logger = new ListLogger();
        model.Logger = logger;
        var h = model.Fit(x, y, epochs: 4, batchSize: 4, validationSplit: 0.25, verbose: 0);

        var epochs = logger.Entries.Where(e => e.Level == LogLevel.Information).ToList();
        Assert.Equal(4, epochs.Count);
        for (var e = 0; e < 4; e++)
        {
            Assert.Equal(
                $"Epoch {e + 1}/4: loss: {Keras4(h["loss"][e])} - mae: {Keras4(h["mae"][e])} - val_loss: {Keras4(h["val_loss"][e])} - val_mae: {Keras4(h["val_mae"][e])}",
                epochs[e].Message);
            Assert.Contains(epochs[e].State, kv => kv.Key == "Epoch" && Equals(kv.Value, e + 1));
        }

        // Diagnoses from callbacks go to the same logger.
        logger.Entries.Clear();
        model.Fit(x, y, epochs: 10, verbose: 0, callbacks: [new EarlyStopping("loss", minDelta: 1e9, patience: 1)]);
        Assert.Equal(2, logger.Entries.Count(e => e.Message.StartsWith("Epoch ", StringComparison.Ordinal) && e.Message.Contains("loss: ")));
        Assert.Contains(logger.Entries, e => e.Message.StartsWith("Epoch 2: early stopping", StringComparison.Ordinal));
    }
}
