using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;
using static Degenerate.Tests.Callbacks.CallbackTestModels;

namespace Degenerate.Tests.Callbacks;

// Keras 3's EarlyStopping._set_monitor_op: in "auto" mode the direction comes from the compiled metric the monitor
// names (its _direction), so precision, recall, AUC and R² are maximized although their names hold no "acc".
public class EarlyStoppingDirectionTests
{
    private static Sequential Classifier()
    {
        var model = new Sequential(new Dense(1, "sigmoid", inputDim: 2)) { DType = DType.Float64, Device = Device.CPU };
        model.Compile("sgd", "binary_crossentropy", ["precision", "recall", "mse"]);
        return model;
    }

    [Theory]
    [InlineData("val_precision", true)]
    [InlineData("recall", true)]
    [InlineData("val_mse", false)]
    [InlineData("val_loss", false)]
    public void AutoModeFollowsTheCompiledMetricsDirection(string monitor, bool maximize)
    {
        using var model = Classifier();
        var es = new EarlyStopping(monitor) { Model = model };
        es.OnTrainBegin();
        Assert.Equal(maximize, es.Maximize);
    }

    [Fact]
    public void AnExplicitModeWins()
    {
        using var model = Classifier();
        var es = new EarlyStopping("val_precision", mode: MonitorMode.Min) { Model = model };
        es.OnTrainBegin();
        Assert.False(es.Maximize);
    }

    [Fact]
    public void APrecisionThatFallsStopsTraining()
    {
        using var model = Classifier();
        var es = new EarlyStopping("val_precision", patience: 1) { Model = model };
        model.StopTraining = false;
        es.OnTrainBegin();
        double[] values = [0.5, 0.6, 0.55, 0.54];
        var stopped = -1;
        for (var e = 0; e < values.Length && stopped < 0; e++)
        {
            es.OnEpochEnd(e, Logs("val_precision", values[e]));
            if (model.StopTraining) stopped = e;
        }
        Assert.Equal(2, stopped);
        Assert.Equal(1, es.BestEpoch);
    }
}
