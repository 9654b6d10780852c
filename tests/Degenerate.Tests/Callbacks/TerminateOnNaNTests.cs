using Degenerate.Callbacks;
using Degenerate.Models;
using static Degenerate.Tests.Callbacks.CallbackTestModels;

namespace Degenerate.Tests.Callbacks;

[Collection(Serial.Name)] // reads the console
public class TerminateOnNaNTests
{
    private static readonly double[] X = [1, 2, 3, 4, 5, 6, 7, 8];
    private static readonly double[] Y = [1, 2, 3, 4, 5, 6, 7, 8];

    [Fact]
    public void StopsAtTheFirstBatchWithANaNLoss()
    {
        using var model = Linear(double.NaN);
        var callback = new TerminateOnNaN();
        var batches = 0;
        var counter = new LambdaCallback(onBatchEnd: (_, _) => batches++);
        var original = Console.Out;
        using var console = new StringWriter();
        Console.SetOut(console);
        History h;
        try { h = model.Fit(X, Y, epochs: 5, batchSize: 2, callbacks: [counter, callback], verbose: 0); }
        finally { Console.SetOut(original); }

        Assert.True(callback.Terminated);
        Assert.Equal(1, batches);
        Assert.Equal(1, model.Optimizer!.Iterations);
        Assert.Equal(1, h.Count);
        Assert.True(double.IsNaN(h["loss"][0]));
        Assert.Equal("Batch 0: Invalid loss, terminating training", console.ToString().Trim());
    }

    [Fact]
    public void StopsWhenTheLossOverflowsToInfinity()
    {
        // A learning rate this large makes the weights and then the loss overflow within a few steps.
        using var model = Linear(1, learningRate: 1e100);
        var callback = new TerminateOnNaN();
        var losses = new List<double>();
        var recorder = new LambdaCallback(onBatchEnd: (_, logs) => losses.Add(logs.Loss));
        var original = Console.Out;
        Console.SetOut(TextWriter.Null);
        try { model.Fit(Y, Y.Select(v => -v).ToArray(), epochs: 50, batchSize: 1, shuffle: false, callbacks: [recorder, callback], verbose: 0); }
        finally { Console.SetOut(original); }

        Assert.True(callback.Terminated);
        Assert.False(double.IsFinite(losses[^1]));
        Assert.All(losses[..^1], l => Assert.True(double.IsFinite(l)));
        Assert.True(losses.Count < 50 * 8);
    }

    [Fact]
    public void RaiseErrorThrows()
    {
        using var model = Linear(double.NaN);
        var e = Assert.Throws<InvalidOperationException>(() =>
            model.Fit(X, Y, epochs: 2, callbacks: [new TerminateOnNaN(raiseError: true)], verbose: 0));
        Assert.Contains("NaN", e.Message);
    }
}
