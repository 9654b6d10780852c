using Degenerate.Callbacks;
using Degenerate.Tensors;
using static Degenerate.Tests.Callbacks.CallbackTestModels;

namespace Degenerate.Tests.Callbacks;

/// <summary>
/// The hooks Keras's Callback has besides the epoch ones: on_train_batch_begin, on_test_* (Evaluate, and Fit's
/// validation, which in Keras 3 runs evaluate with Fit's callbacks) and on_predict_*, with callbacks given to
/// Evaluate and Predict as in Keras.
/// </summary>
public class CallbackHookTests
{
    private sealed class Recorder : Callback
    {
        public List<string> Events { get; } = new();
        public override void OnTrainBatchBegin(int batch) => Events.Add($"train batch {batch} begin");
        public override void OnTrainBatchEnd(int batch, BatchLogs logs) => Events.Add($"train batch {batch} end {logs.Size}");
        public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => Events.Add($"epoch {epoch} end");
        public override void OnTestBegin() => Events.Add("test begin");
        public override void OnTestBatchBegin(int batch) => Events.Add($"test batch {batch} begin");
        public override void OnTestBatchEnd(int batch, BatchLogs logs) => Events.Add($"test batch {batch} end {logs.Size} {logs.Loss:R}");
        public override void OnTestEnd(IDictionary<string, double> logs) => Events.Add($"test end {string.Join(",", logs.Keys)}");
        public override void OnPredictBegin() => Events.Add("predict begin");
        public override void OnPredictBatchBegin(int batch) => Events.Add($"predict batch {batch} begin");
        public override void OnPredictBatchEnd(int batch, Tensor outputs) => Events.Add($"predict batch {batch} end {outputs.ShapeString}");
        public override void OnPredictEnd() => Events.Add("predict end");
    }

    private static readonly double[] X = [1, 2, 3, 4, 5];

    [Fact]
    public void FitCallsBatchBeginAndRunsTheTestHooksForValidation()
    {
        using var model = Linear(0.5, learningRate: 0.001);
        var recorder = new Recorder();
        model.Fit(X, X, epochs: 1, batchSize: 2, validationData: (new[] { 1.0, 2.0, 3.0 }, new[] { 1.0, 2.0, 3.0 }),
            shuffle: false, callbacks: [recorder], verbose: 0);
        Assert.Equal(
        [
            "train batch 0 begin", "train batch 0 end 2", "train batch 1 begin", "train batch 1 end 2",
            "train batch 2 begin", "train batch 2 end 1",
            "test begin", "test batch 0 begin", recorder.Events[8], "test batch 1 begin", recorder.Events[10], "test end loss",
            "epoch 0 end",
        ], recorder.Events);
        Assert.StartsWith("test batch 0 end 2 ", recorder.Events[8]);
        Assert.StartsWith("test batch 1 end 1 ", recorder.Events[10]);
    }

    [Fact]
    public void EvaluateGivesEachBatchItsLossAndEndsWithTheResults()
    {
        using var model = Linear(0.5);
        var recorder = new Recorder();
        var results = model.Evaluate(X, X, batchSize: 2, callbacks: [recorder]);
        // y = 0.5x against y = x: squared error 0.25 x²; batches {1,2}, {3,4}, {5}. Each batch's logs carry the running
        // mean over the rows so far, as Keras's test_step returns its loss tracker's value to on_test_batch_end.
        Assert.Equal(
        [
            "test begin",
            "test batch 0 begin", $"test batch 0 end 2 {0.25 * (1 + 4) / 2.0:R}",
            "test batch 1 begin", $"test batch 1 end 2 {0.25 * (1 + 4 + 9 + 16) / 4.0:R}",
            "test batch 2 begin", $"test batch 2 end 1 {0.25 * 55 / 5.0:R}",
            "test end loss",
        ], recorder.Events);
        Assert.Equal(0.25 * 55 / 5, results["loss"], 12);
        Assert.Same(model, recorder.Model);
    }

    [Fact]
    public void PredictRunsBatchByBatchForAHookAndGivesTheOutputs()
    {
        using var model = Linear(0.5);
        var recorder = new Recorder();
        using var y = model.Predict(X, batchSize: 2, callbacks: [recorder]);
        Assert.Equal(
        [
            "predict begin", "predict batch 0 begin", "predict batch 0 end [2, 1]", "predict batch 1 begin", "predict batch 1 end [2, 1]",
            "predict batch 2 begin", "predict batch 2 end [1, 1]", "predict end",
        ], recorder.Events);
        Assert.Equal(X.Select(v => 0.5 * v), y.ToArray<double>());
    }

    [Fact]
    public void PredictWithOnlyBeginAndEndHooksStillCallsThem()
    {
        using var model = Linear(2);
        var events = new List<string>();
        var callback = new BeginEnd(events);
        using var y = model.Predict(X, batchSize: 2, callbacks: [callback]);
        Assert.Equal(["begin", "end"], events);
        Assert.Equal(X.Select(v => 2 * v), y.ToArray<double>());
    }

    private sealed class BeginEnd(List<string> events) : Callback
    {
        public override void OnPredictBegin() => events.Add("begin");
        public override void OnPredictEnd() => events.Add("end");
    }

    [Fact]
    public void AnOverriddenHookIsFoundOnTheType()
    {
        Assert.True(new Recorder().NeedsTrainBatches);
        Assert.False(new BeginEnd([]).NeedsTrainBatches);
        Assert.False(new CSVLogger("x.csv").NeedsTrainBatches);
        Assert.False(new BackupAndRestore("b").NeedsTrainBatches);
        Assert.True(new BackupAndRestore("b", saveFreq: 3).NeedsTrainBatches);
    }

    private sealed class BatchBeginOnly : Callback
    {
        public override void OnTrainBatchBegin(int batch) { }
    }

    [Fact]
    public void EpochCallbacksKeepTheFusedPlanAndBatchHooksLeaveIt()
    {
        using var model = Linear(0.5);
        Assert.NotNull(Degenerate.Models.TrainingPlan.ForTraining(model,
            [new CSVLogger("unused.csv"), new LearningRateScheduler(_ => 0.1), new BackupAndRestore("unused")]));
        Assert.Null(Degenerate.Models.TrainingPlan.ForTraining(model, [new BackupAndRestore("unused", saveFreq: 2)]));
        Assert.Null(Degenerate.Models.TrainingPlan.ForTraining(model, [new BatchBeginOnly()]));
        Assert.Null(Degenerate.Models.TrainingPlan.ForTraining(model, [new LambdaCallback(onBatchBegin: _ => { })]));
    }
}
