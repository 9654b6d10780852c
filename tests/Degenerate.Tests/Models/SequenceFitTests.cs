using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

/// <summary>
/// Fit, Evaluate and Predict over a sequence of batches (Keras's fit(dataset)): the same numbers as the array path on
/// the same batches, Keras 3's steps_per_epoch semantics for endless sequences, and lazy reading.
/// </summary>
[Collection(Serial.Name)] // seeds the global generator
public class SequenceFitTests
{
    private static (double[,] X, double[,] Y) Rows(int n)
    {
        var x = new double[n, 2];
        var y = new double[n, 1];
        for (var i = 0; i < n; i++)
        {
            x[i, 0] = Math.Sin(i * 0.37);
            x[i, 1] = Math.Cos(i * 0.11);
            y[i, 0] = 0.7 * x[i, 0] - 0.2 * x[i, 1] + 0.1;
        }
        return (x, y);
    }

    private static double[,] Take(double[,] a, int start, int end)
    {
        var r = new double[end - start, a.GetLength(1)];
        for (var i = start; i < end; i++)
            for (var j = 0; j < a.GetLength(1); j++) r[i - start, j] = a[i, j];
        return r;
    }

    // The rows as consecutive batches, counting how often the sequence was started and how many batches were read.
    private sealed class Counted(double[,] x, double[,] y, int batchSize, double[]? w = null) : IEnumerable<Batch>
    {
        public int Starts { get; private set; }
        public int Read { get; private set; }

        public IEnumerator<Batch> GetEnumerator()
        {
            Starts++;
            for (var s = 0; s < x.GetLength(0); s += batchSize)
            {
                var e = Math.Min(s + batchSize, x.GetLength(0));
                Read++;
                yield return w is null ? (Take(x, s, e), Take(y, s, e)) : (Take(x, s, e), Take(y, s, e), w[s..e]);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static Sequential Net(bool eager, bool declareInput = true, bool metrics = true)
    {
        Degenerate.Random.Seed(17);
        var m = new Sequential(new Dense(4, "tanh", inputDim: declareInput ? 2 : null), new Dense(1)) { Device = Device.CPU, DType = DType.Float64, RunEagerly = eager };
        m.Compile(new Adam(0.02), "mse", metrics ? ["mae"] : []);
        return m;
    }

    private static double[] Flat(Model m)
    {
        var w = m.GetWeights();
        try { return w.SelectMany(t => t.ToArray<double>()).ToArray(); }
        finally { foreach (var t in w) t.Dispose(); }
    }

    [Theory]
    [InlineData(false, false)] // fused plan: one call an epoch on arrays, one a batch on the sequence
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void FitOnASequenceEqualsFitOnTheArraysInTheSameBatches(bool eager, bool metrics)
    {
        var (x, y) = Rows(50);
        var w = Enumerable.Range(0, 50).Select(i => 0.5 + (i % 3)).ToArray();
        using var arrays = Net(eager, metrics: metrics);
        var expected = arrays.Fit(x, y, epochs: 3, batchSize: 8, shuffle: false, sampleWeight: w, verbose: 0);
        using var streamed = Net(eager, metrics: metrics);
        var data = new Counted(x, y, 8, w);
        var history = streamed.Fit(data, epochs: 3, verbose: 0);
        Assert.Equal(3, data.Starts); // one enumeration an epoch
        Assert.Equal(Flat(arrays), Flat(streamed));
        Assert.Equal(expected["loss"], history["loss"]);
        if (metrics) for (var e = 0; e < 3; e++) Assert.Equal(expected["mae"][e], history["mae"][e], 12);
    }

    [Fact]
    public void TheModelIsBuiltFromTheFirstBatchWhenNoLayerDeclaresItsInput()
    {
        var (x, y) = Rows(20);
        using var model = Net(eager: false, declareInput: false);
        model.Fit(new Counted(x, y, 5), epochs: 1, verbose: 0);
        Assert.Equal(2, model.InputDim);
    }

    [Fact]
    public void ValidationEvaluateAndPredictOnSequences()
    {
        var (x, y) = Rows(30);
        using var model = Net(eager: false);
        var validation = new Counted(Take(x, 20, 30), Take(y, 20, 30), 4);
        var history = model.Fit(new Counted(Take(x, 0, 20), Take(y, 0, 20), 5), epochs: 2, validationData: validation, verbose: 0);
        Assert.Equal(2, validation.Starts);
        var evaluated = model.Evaluate(new Counted(Take(x, 20, 30), Take(y, 20, 30), 4));
        var onArrays = model.Evaluate(Take(x, 20, 30), Take(y, 20, 30), batchSize: 4);
        Assert.Equal(onArrays["loss"], evaluated["loss"], 14);
        Assert.Equal(onArrays["loss"], history["val_loss"][1], 14);
        using var predicted = model.Predict(new Counted(x, y, 7));
        using var direct = model.Predict(x);
        Assert.Equal(direct.ToArray<double>(), predicted.ToArray<double>());
        // steps: the first batches only (and no batch read beyond them).
        var firstTwo = new Counted(x, y, 7);
        using var part = model.Predict(firstTwo, steps: 2);
        Assert.Equal(14, part.Size(0));
        Assert.Equal(2, firstTwo.Read);
    }

    // An endless generator: row i of a fixed pattern, forever.
    private static IEnumerable<Batch> Endless(int batchSize, Action? onBatch = null)
    {
        for (var start = 0; ; start += batchSize)
        {
            onBatch?.Invoke();
            var x = new double[batchSize, 2];
            var y = new double[batchSize, 1];
            for (var i = 0; i < batchSize; i++)
            {
                var r = start + i;
                x[i, 0] = Math.Sin(r * 0.37);
                x[i, 1] = Math.Cos(r * 0.11);
                y[i, 0] = 0.7 * x[i, 0] - 0.2 * x[i, 1] + 0.1;
            }
            yield return (x, y);
        }
    }

    [Fact]
    public void AnEndlessSequenceNeedsStepsPerEpochAndContinuesAcrossEpochs()
    {
        // Keras 3's EpochIterator keeps the iterator between epochs when steps_per_epoch is set: three epochs of 4
        // batches read batches 0..11 of the stream once each, as one epoch of 12 batches of the same rows does.
        var read = 0;
        using var streamed = Net(eager: false);
        var history = streamed.Fit(Endless(5, () => read++), epochs: 3, stepsPerEpoch: 4, verbose: 0);
        Assert.Equal(12, read);
        Assert.Equal(3, history.Count);
        using var once = Net(eager: false);
        once.Fit(Endless(5), epochs: 1, stepsPerEpoch: 12, verbose: 0);
        Assert.Equal(Flat(once), Flat(streamed));
    }

    [Fact]
    public void AFiniteSequenceThatRunsOutEndsTheEpochAndStartsAgain()
    {
        var (x, y) = Rows(20);
        var data = new Counted(x, y, 5); // 4 batches
        using var model = Net(eager: true);
        var sizes = new List<int>();
        var steps = 0;
        var history = model.Fit(data, epochs: 3, stepsPerEpoch: 3, verbose: 0,
            callbacks: [new LambdaCallback(onBatchEnd: (_, _) => steps++, onEpochEnd: (_, _) => { sizes.Add(steps); steps = 0; })]);
        // Epoch 0: batches 0-2; epoch 1: batch 3, then the data ends (warned); epoch 2: a new enumeration, 0-2.
        Assert.Equal([3, 1, 3], sizes);
        Assert.Equal(2, data.Starts);
        Assert.Equal(3, history.Count);
    }

    [Fact]
    public void AsyncSequencesTrainAsTheSynchronousOnes()
    {
        var (x, y) = Rows(24);
        async IAsyncEnumerable<Batch> Async()
        {
            foreach (var b in new Counted(x, y, 6))
            {
                await Task.Yield();
                yield return b;
            }
        }
        using var sync = Net(eager: false);
        sync.Fit(new Counted(x, y, 6), epochs: 2, verbose: 0);
        using var viaAsync = Net(eager: false);
        viaAsync.Fit(Async(), epochs: 2, verbose: 0);
        Assert.Equal(Flat(sync), Flat(viaAsync));
        Assert.Equal(sync.Evaluate(new Counted(x, y, 6))["loss"], viaAsync.Evaluate(Async())["loss"]);
        using var p = viaAsync.Predict(Async(), steps: 1);
        Assert.Equal(6, p.Size(0));
    }

    [Fact]
    public void BadBatchesAreNamed()
    {
        using var model = Net(eager: false);
        IEnumerable<Batch> Bad()
        {
            yield return (new double[2, 2], new double[2, 1]);
            yield return (new double[3, 2], new double[2, 1]);
        }
        var e = Assert.Throws<ArgumentException>(() => model.Fit(Bad(), verbose: 0));
        Assert.Contains("data batch 1", e.Message);
        Assert.Throws<ArgumentException>(() => model.Fit(Array.Empty<Batch>(), verbose: 0));
        Assert.Throws<ArgumentNullException>(() => model.Fit((IEnumerable<Batch>)null!, verbose: 0));
        using var solver = new Sequential(new Dense(1, inputDim: 2));
        solver.Compile(new LBFGS(), "mse");
        Assert.Throws<NotSupportedException>(() => solver.Fit(Bad(), verbose: 0));
    }

    [Fact]
    public void SequenceValidationHonoursValidationStepsAndFreq()
    {
        var (x, y) = Rows(30);
        using var model = Net(eager: false);
        var validation = new Counted(Take(x, 20, 30), Take(y, 20, 30), 4); // 3 batches: 4, 4, 2 rows
        var history = model.Fit(new Counted(Take(x, 0, 20), Take(y, 0, 20), 5), epochs: 4, validationData: validation,
            validationSteps: 2, validationFreq: 2, verbose: 0);
        Assert.Equal(2, validation.Starts); // epochs 2 and 4 (1-based)
        Assert.Equal(4, validation.Read);   // two batches each, the third never read
        Assert.Equal(2, history["val_loss"].Count);
        var firstTwo = model.Evaluate(Take(x, 20, 28), Take(y, 20, 28), batchSize: 4);
        Assert.Equal(firstTwo["loss"], history["val_loss"][1], 14);
    }
}
