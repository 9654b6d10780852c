using Degenerate.Callbacks;
using static Degenerate.Tests.Callbacks.CallbackTestModels;

namespace Degenerate.Tests.Callbacks;

public class LambdaCallbackTests
{
    [Fact]
    public void EveryHookIsCalledInKerasOrder()
    {
        var x = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
        using var model = Linear(0, learningRate: 0.001);
        var events = new List<string>();
        long rows = 0;
        var callback = new LambdaCallback(
            onEpochBegin: e => events.Add($"epoch {e} begin"),
            onEpochEnd: (e, logs) => events.Add($"epoch {e} end {string.Join(",", logs.Keys)}"),
            onBatchEnd: (b, logs) =>
            {
                events.Add($"batch {b} {logs.Size}");
                rows += logs.Size;
                Assert.True(double.IsFinite(logs.Loss));
            },
            onTrainBegin: () => events.Add("train begin"),
            onTrainEnd: logs => events.Add($"train end {logs.Count}"));

        model.Fit(x, x, epochs: 2, batchSize: 4, validationSplit: 0.2, callbacks: [callback], verbose: 0);

        // 8 training rows in batches of 4, 4; epochs 0-based; the validation figures are in the epoch logs.
        Assert.Equal(
        [
            "train begin",
            "epoch 0 begin", "batch 0 4", "batch 1 4", "epoch 0 end loss,val_loss",
            "epoch 1 begin", "batch 0 4", "batch 1 4", "epoch 1 end loss,val_loss",
            "train end 2",
        ], events);
        Assert.Equal(16, rows);
        Assert.Same(model, callback.Model);
    }
}
