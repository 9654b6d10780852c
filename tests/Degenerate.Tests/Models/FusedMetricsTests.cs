using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;
using static Degenerate.Tests.Models.FusedTrainingTests;

namespace Degenerate.Tests.Models;

/// <summary>
/// Compiled metrics on the fused training plan: the plan records each row's prediction made in its training step and
/// Fit updates the metrics once per epoch with them; History (loss and every metric, training and validation), the
/// weights and the step count equal the op-by-op autograd path's (<see cref="Model.RunEagerly"/>), which updates the
/// metrics batch by batch. On TorchSharp the managed kernels train; on the native engine both plan.cpp (the engine's
/// own optimizers) and the managed kernels (portable optimizer forced) are checked. Serial: the fits draw their
/// shuffling from the global generator, seeded alike.
/// </summary>
[Collection(Serial.Name)]
public class FusedMetricsTests
{
    public static TheoryData<string, string, string, string, bool> Cases() => new()
    {
        // head, optimizer, metrics (comma-separated), weighted metrics, class weights
        { "bce/sigmoid", "adam", "accuracy,auc", "", false },
        { "bce/sigmoid", "sgd-momentum", "accuracy,auc,precision,recall", "accuracy", true },
        { "bce-logits/linear", "rmsprop", "mse", "mae", false },
        { "mse/linear", "adam", "mse,mae,r2_score", "mae", false },
        { "mse/tanh", "adagrad", "mae,root_mean_squared_error", "mse,r2_score", false },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void PlanMetricsMatchTheOpByOpPathInFloat64(string head, string optimizer, string metrics, string weighted, bool classWeight) =>
        Compare(head, optimizer, metrics, weighted, classWeight, DType.Float64, 1e-12);

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void PlanMetricsMatchTheOpByOpPathInFloat32(string head, string optimizer, string metrics, string weighted, bool classWeight) =>
        Compare(head, optimizer, metrics, weighted, classWeight, DType.Float32, 2e-5);

    private static void SkipWithoutPlans() =>
        Skip.If(Engine.Current.FusedKernels is null, $"the {Engine.Name} engine has no fused training plans");

    private static Sequential Compiled(string head, string optimizer, string metrics, string weighted, DType dtype, Sequential? copyFrom)
    {
        var model = Model("tanh", head, optimizer, dtype, copyFrom);
        model.Compile(MakeOptimizer(optimizer), model.Loss!, Split(metrics), Split(weighted));
        return model;
    }

    private static string[] Split(string names) => names.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static (History History, double[][] Weights, long Iterations) Train(string head, string optimizer, string metrics,
        string weighted, bool classWeight, DType dtype, bool eager, bool portable, Sequential fresh)
    {
        var (x, y, w) = Data(37, 3, 2, binary: head.StartsWith("bce", StringComparison.Ordinal));
        return PlanTraining.Fit(eager, portable, () => Compiled(head, optimizer, metrics, weighted, dtype, fresh), model =>
        {
            using (model)
            {
                var history = model.Fit(x, y, epochs: 4, batchSize: 8, validationSplit: 0.2, sampleWeight: w, verbose: 0,
                    classWeight: classWeight ? new Dictionary<int, double> { [0] = 0.5, [1] = 2.0 } : null);
                return (history, Weights(model), model.Optimizer!.Iterations);
            }
        });
    }

    private static void Compare(string head, string optimizer, string metrics, string weighted, bool classWeight, DType dtype, double tolerance)
    {
        SkipWithoutPlans();
        using var fresh = Compiled(head, optimizer, metrics, weighted, dtype, null);
        var e = Train(head, optimizer, metrics, weighted, classWeight, dtype, eager: true, portable: false, fresh);
        // TorchSharp's optimizers are always portable; the native engine has both kinds of plan.
        foreach (var portable in Engine.Name == "native" ? new[] { false, true } : [true])
            ComparePlan(e, Train(head, optimizer, metrics, weighted, classWeight, dtype, eager: false, portable, fresh), metrics, tolerance);
    }

    private static void ComparePlan((History History, double[][] Weights, long Iterations) e,
        (History History, double[][] Weights, long Iterations) p, string metrics, double tolerance)
    {
        Assert.Equal(e.History.Keys.OrderBy(k => k), p.History.Keys.OrderBy(k => k));
        // loss, every metric and its weighted form, and their val_ figures.
        Assert.True(e.History.Keys.Count() >= 2 * (1 + Split(metrics).Length), string.Join(", ", e.History.Keys));
        foreach (var key in e.History.Keys)
        {
            Assert.Equal(4, p.History[key].Count);
            for (var i = 0; i < 4; i++)
                Assert.True(Math.Abs(e.History[key][i] - p.History[key][i]) <= tolerance,
                    $"{key} epoch {i}: op by op {e.History[key][i]:R}, plan {p.History[key][i]:R}");
        }
        for (var i = 0; i < e.Weights.Length; i++) Assert.Equal(e.Weights[i], p.Weights[i], new Tolerance(tolerance));
        Assert.Equal(16, e.Iterations);
        Assert.Equal(e.Iterations, p.Iterations);
    }

    [SkippableFact]
    public void AModelWithMetricsTakesThePlan()
    {
        SkipWithoutPlans();
        using var model = new Sequential(new Dense(2, "relu", inputDim: 3), new Dense(1, "sigmoid")) { Device = Device.CPU };
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        Assert.NotNull(TrainingPlan.ForTraining(model, []));
        Optimizer.ForcePortable = true;
        try
        {
            model.Compile("adam", "binary_crossentropy", ["accuracy"]);
            Assert.NotNull(TrainingPlan.ForTraining(model, []));
            // What the plan still cannot do keeps the op-by-op path, metrics or not.
            model.Compile(new Adam(), "mae", ["accuracy"]);
            Assert.Null(TrainingPlan.ForTraining(model, []));
        }
        finally
        {
            Optimizer.ForcePortable = false;
        }
        // Softmax heads with categorical cross-entropy and their metrics ride the plan (FusedExtensionsTests).
        using var softmax = new Sequential(new Dense(4, "relu", inputDim: 3), new Dense(3, "softmax")) { Device = Device.CPU };
        softmax.Compile("adam", "sparse_categorical_crossentropy", ["accuracy", "sparse_top_k_categorical_accuracy"]);
        Assert.NotNull(TrainingPlan.ForTraining(softmax, []));
    }

    [Fact]
    public void ManagedKernelsRejectAPredictionsBufferOfTheWrongShape()
    {
        var kernels = new ManagedFusedKernels(Engine.Current);
        Optimizer.ForcePortable = true;
        try
        {
            using var model = new Sequential(new Dense(1, "sigmoid", inputDim: 2)) { DType = DType.Float64, Device = Device.CPU };
            model.Compile("sgd", "binary_crossentropy");
            using var x = Tensor.Zeros([4, 2], DType.Float64, Device.CPU);
            using var y = Tensor.Zeros([4, 1], DType.Float64, Device.CPU);
            using var wrong = Tensor.Zeros([3, 1], DType.Float64, Device.CPU);
            using var wrongType = Tensor.Zeros([4, 1], DType.Float32, Device.CPU);
            model.Fit(new double[,] { { 0, 0 } }, new double[,] { { 0 } }, epochs: 1, verbose: 0);  // builds the optimizer
            var state = model.Optimizer!.State!;
            var ex = Assert.Throws<ArgumentException>(() => kernels.FitEpoch(state, [1], [1], 1, x.Handle, y.Handle, null, null, 2, 0.1, wrong.Handle));
            Assert.Equal("predictions", ex.ParamName);
            Assert.Contains("[3, 1]", ex.Message);
            Assert.Equal("predictions", Assert.Throws<ArgumentException>(
                () => kernels.FitEpoch(state, [1], [1], 1, x.Handle, y.Handle, null, null, 2, 0.1, wrongType.Handle)).ParamName);
        }
        finally
        {
            Optimizer.ForcePortable = false;
        }
    }
}
