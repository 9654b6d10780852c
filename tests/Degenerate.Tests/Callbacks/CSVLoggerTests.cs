using Degenerate.Callbacks;
using static Degenerate.Tests.Callbacks.CallbackTestModels;

namespace Degenerate.Tests.Callbacks;

/// <summary>Replays keras/src/callbacks/csv_logger_test.py and the format of Keras 3's CSVLogger.on_epoch_end.</summary>
public sealed class CSVLoggerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-csvlogger-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly double[] X = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void WritesTheHeaderSortedKeysAndZeroBasedEpochsAsKerasDoes()
    {
        var path = Path.Combine(_dir, "log.csv");
        using var model = Linear(0, learningRate: 0.001);
        var history = model.Fit(X, X, epochs: 2, batchSize: 4, validationSplit: 0.2, shuffle: false,
            callbacks: [new CSVLogger(path)], verbose: 0);
        var text = File.ReadAllText(path);
        // Python's csv module ends lines with \r\n; figures as str(float) prints them.
        var lines = text.Split("\r\n");
        Assert.Equal(4, lines.Length);
        Assert.Equal("", lines[3]);
        Assert.Equal("epoch,loss,val_loss", lines[0]);
        for (var e = 0; e < 2; e++)
        {
            var fields = lines[e + 1].Split(',');
            Assert.Equal(e.ToString(), fields[0]);
            Assert.Equal(history["loss"][e], double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(history["val_loss"][e], double.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void WithoutValidationTheValColumnsAreThereAndNA()
    {
        // Keras adds "val_" + key for every key when the first epoch's logs have none (for validation_freq > 1).
        var path = Path.Combine(_dir, "noval.csv");
        using var model = Linear(0, learningRate: 0.001);
        model.Fit(X, X, epochs: 1, batchSize: 4, callbacks: [new CSVLogger(path)], verbose: 0);
        var lines = File.ReadAllLines(path);
        Assert.Equal("epoch,loss,val_loss", lines[0]);
        Assert.EndsWith(",NA", lines[1]);
    }

    [Fact]
    public void ValidationFreqLeavesNAInTheEpochsNotValidated()
    {
        var path = Path.Combine(_dir, "freq.csv");
        using var model = Linear(0, learningRate: 0.001);
        model.Fit(X, X, epochs: 4, batchSize: 4, validationSplit: 0.2, validationFreq: 2, callbacks: [new CSVLogger(path)], verbose: 0);
        var lines = File.ReadAllLines(path);
        Assert.Equal("epoch,loss,val_loss", lines[0]);
        Assert.EndsWith(",NA", lines[1]);
        Assert.DoesNotContain("NA", lines[2]);
        Assert.EndsWith(",NA", lines[3]);
        Assert.DoesNotContain("NA", lines[4]);
    }

    [Fact]
    public void SeparatorAppendAndReuseAsInKerasTest()
    {
        // csv_logger_test.test_CSVLogger: a new file with a separator; then append; then the appending logger reused:
        // 5 lines (one header), each with 4 separators (epoch, loss, accuracy-like metric, and their val_ columns).
        var path = Path.Combine(_dir, "sep.csv");
        const string sep = "\t";
        void Fit(CSVLogger logger, int epochs)
        {
            using var model = Linear(0, learningRate: 0.001);
            model.Compile(new Degenerate.Optimizers.SGD(0.001), "mse", ["mae"]);
            model.Fit(X, X, epochs: epochs, batchSize: 4, validationSplit: 0.2, callbacks: [logger], verbose: 0);
        }
        Fit(new CSVLogger(path, separator: sep), 1);
        Assert.Equal("epoch\tloss\tmae\tval_loss\tval_mae", File.ReadAllLines(path)[0]);
        var appending = new CSVLogger(path, separator: sep, append: true);
        Fit(appending, 1);
        Fit(appending, 2);
        var lines = File.ReadAllLines(path);
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => Assert.Equal(4, l.Count(c => c == '\t')));
        Assert.Single(lines, l => l.Contains("epoch"));
        Assert.Equal(["0", "0", "0", "1"], lines.Skip(1).Select(l => l.Split('\t')[0]));
    }

    [Fact]
    public void NaNIsWrittenAsPythonWritesIt()
    {
        // csv_logger_test.test_stop_training_csv: a diverging run logs "nan".
        var path = Path.Combine(_dir, "nan.csv");
        using var model = Linear(0, learningRate: 1e6);
        var big = X.Select(v => v * 1e30).ToArray();
        model.Fit(big, big, epochs: 3, batchSize: 10, callbacks: [new CSVLogger(path)], verbose: 0);
        var last = File.ReadAllLines(path)[^1].Split(',');
        Assert.Contains(last[1], new[] { "nan", "inf" });
    }

    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(2.0, "2.0")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(-2.5e-07, "-2.5e-07")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(123456.789, "123456.789")]
    public void NumbersAreWrittenAsPythonReprWritesThem(double value, string python)
    {
        // Expected texts printed by /usr/bin/python3: repr(v) for each v.
        Assert.Equal(python, PythonFloat.Format(value));
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        Assert.Throws<ArgumentException>("filename", () => new CSVLogger(" "));
        Assert.Throws<ArgumentException>("separator", () => new CSVLogger("a.csv", separator: "\n"));
    }
}
