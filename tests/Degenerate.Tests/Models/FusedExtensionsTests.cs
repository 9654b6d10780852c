using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Optimizers.Schedules;
using Degenerate.Regularizers;
using Degenerate.Tensors;
using static Degenerate.Tests.Models.FusedTrainingTests;

namespace Degenerate.Tests.Models;

/// <summary>
/// What most Keras scripts compile, on the fused training plan: softmax with categorical / sparse categorical
/// cross-entropy (or from logits), L1/L2/L1L2 regularizers, clipnorm / clipvalue / global_clipnorm, weight decay, a
/// learning-rate schedule and Dropout between Dense layers. Each case trains the same model op by op
/// (<see cref="Model.RunEagerly"/>, libtorch's autograd) and on the plan, with shuffling, a ragged last batch, sample
/// weights, class weights, a validation split and compiled metrics, and requires equal History (loss with the
/// penalty, metrics, val_ figures), weights and step counts. On the native engine both its own kernels (plan.cpp) and
/// the managed ones (portable optimizer forced) are checked. Serial: the fits draw shuffling and dropout noise from
/// the global generator, seeded alike.
/// </summary>
[Collection(Serial.Name)]
public class FusedExtensionsTests
{
    public static TheoryData<string> Cases() => new()
    {
        "cce/softmax", "cce-logits/linear", "scce/softmax", "scce-logits/linear",
        "l1-kernel", "l2-bias", "l1l2-cce",
        "clipnorm", "clipvalue", "global-clipnorm", "weight-decay", "decay-without-biases", "decay-without-first-kernel", "schedule",
        "dropout-mse", "dropout-scce", "everything",
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void PlanMatchesAutogradInFloat64(string name) => Compare(name, DType.Float64, 1e-12);

    [SkippableTheory]
    [InlineData("scce/softmax")]
    [InlineData("l1l2-cce")]
    [InlineData("global-clipnorm")]
    [InlineData("everything")]
    public void PlanMatchesAutogradInFloat32(string name) => Compare(name, DType.Float32, 2e-5);

    private sealed record Case(Sequential Model, bool Sparse, bool OneHot, bool Binary);

    // The model of a case: Dense(5) → Dense(4, no bias) → Dense(classes), hidden tanh (relu with dropout).
    private static Case Build(string name, DType dtype)
    {
        var head = name switch
        {
            "cce/softmax" or "l1l2-cce" => "cce",
            "cce-logits/linear" => "cce-logits",
            "scce/softmax" or "dropout-scce" or "everything" or "clipvalue" => "scce",
            "scce-logits/linear" => "scce-logits",
            "l2-bias" => "bce",
            _ => "mse",
        };
        var classification = head.Contains("cce", StringComparison.Ordinal);
        var outputs = classification ? 3 : 2;
        var outputActivation = head switch { "cce" or "scce" => "softmax", "bce" => "sigmoid", _ => "linear" };
        Regularizer? kernel = name switch { "l1-kernel" => new L1(0.01), "l1l2-cce" or "everything" => new L1L2(0.003, 0.02), _ => null };
        Regularizer? bias = name switch { "l2-bias" => new L2(0.05), "l1l2-cce" => new L1(0.02), "everything" => new L2(0.01), _ => null };
        var dropout = name is "dropout-mse" or "dropout-scce" or "everything";
        var hidden = dropout ? "relu" : "tanh";
        var layers = new List<Layer> { new Dense(5, hidden, inputDim: 3, kernelRegularizer: kernel, biasRegularizer: bias) };
        if (dropout) layers.Add(new Dropout(0.3));
        layers.Add(new Dense(4, hidden, useBias: false, kernelRegularizer: name == "l1l2-cce" ? new L2(0.01) : null));
        if (name == "dropout-mse") layers.Add(new Dropout(0.5));
        layers.Add(new Dense(outputs, outputActivation, kernelRegularizer: name == "everything" ? new L1(0.01) : null));
        var model = new Sequential([.. layers]) { DType = dtype, Device = Device.CPU };
        Optimizer optimizer = name switch
        {
            "clipnorm" => new SGD(0.05, momentum: 0.9, clipNorm: 0.05),
            "clipvalue" => new Adam(0.01, clipValue: 0.02),
            "global-clipnorm" => new RMSprop(0.01, globalClipnorm: 0.1),
            "weight-decay" => new SGD(0.05, momentum: 0.5, weightDecay: 0.1),
            "decay-without-biases" => new SGD(0.05, momentum: 0.5, weightDecay: 0.1),
            "decay-without-first-kernel" => new Adam(0.01, weightDecay: 0.2),
            "schedule" => new Adam(0.01) { LearningRateSchedule = new ExponentialDecay(0.02, 3, 0.8) },
            "everything" => new Adam(0.01, globalClipnorm: 0.5, weightDecay: 0.05)
                { LearningRateSchedule = new ExponentialDecay(0.01, 5, 0.9, staircase: true) },
            "l1-kernel" => new Adagrad(0.05),
            _ => new Adam(0.01),
        };
        Loss loss = head switch
        {
            "cce" => new CategoricalCrossentropy(),
            "cce-logits" => new CategoricalCrossentropy(fromLogits: true),
            "scce" => new SparseCategoricalCrossentropy(),
            "scce-logits" => new SparseCategoricalCrossentropy(fromLogits: true),
            "bce" => new BinaryCrossentropy(),
            _ => new MeanSquaredError(),
        };
        string[] metrics = head switch
        {
            "cce" or "cce-logits" => ["accuracy", "categorical_crossentropy"],
            "scce" or "scce-logits" => ["accuracy", "sparse_top_k_categorical_accuracy"],
            "bce" => ["accuracy"],
            _ => ["mae"],
        };
        model.Compile(optimizer, loss, metrics);
        // Keras's exclude_from_weight_decay, by name pattern and by reference: the excluded weights must not decay.
        if (name == "decay-without-biases") optimizer.ExcludeFromWeightDecay(varNames: ["bias"]);
        if (name == "decay-without-first-kernel") optimizer.ExcludeFromWeightDecay(varList: [model.Layers[0].Weights[0]]);
        return new Case(model, head.StartsWith("scce", StringComparison.Ordinal), head.StartsWith("cce", StringComparison.Ordinal), head == "bce");
    }

    // Three classes from the sign pattern of two linear scores of x (rows ~ U(-2, 2)³).
    private static (double[,] X, int[] Labels, double[,] OneHot) Classes(int rows)
    {
        var (x, _, _) = Data(rows, 3, 1, binary: false);
        var labels = new int[rows];
        var hot = new double[rows, 3];
        for (var i = 0; i < rows; i++)
        {
            var s = x[i, 0] - 0.5 * x[i, 1];
            labels[i] = s < -0.6 ? 0 : s < 0.6 ? 1 : 2;
            hot[i, labels[i]] = 1;
        }
        return (x, labels, hot);
    }

    private static (History History, double[][] Weights, long Iterations, double[] Predictions) Train(string name, DType dtype, bool eager, bool portable,
        Sequential? copyFrom)
    {
        Optimizer.ForcePortable = portable;
        try
        {
            var c = Build(name, dtype);
            using var model = c.Model;
            if (copyFrom is not null)
            {
                var weights = copyFrom.GetWeights();
                model.SetWeights(weights);
                foreach (var t in weights) t.Dispose();
            }
            model.RunEagerly = eager;
            // The plan must actually train the model, or this test compares the op-by-op path with itself.
            if (!eager)
            {
                Assert.NotNull(TrainingPlan.ForTraining(model, []));
                Assert.Equal(portable || Engine.Name != "native", model.Optimizer!.State is PortableOptimizer);
            }
            const int rows = 37;
            var (x, labels, hot) = Classes(rows);
            var (_, regression, w) = Data(rows, 3, 2, binary: c.Binary);
            Data y = c.Sparse ? labels : c.OneHot ? hot : regression;
            IReadOnlyDictionary<int, double>? classWeight = c.Sparse || name == "cce/softmax"
                ? new Dictionary<int, double> { [0] = 0.5, [1] = 2.0, [2] = 1.25 } : null;
            Degenerate.Random.Seed(11);
            var history = model.Fit(x, y, epochs: 4, batchSize: 8, validationSplit: 0.2, sampleWeight: w, verbose: 0, classWeight: classWeight);
            // The fused prediction (Dropout the identity there) against the op-by-op forward in inference mode.
            using var predicted = model.Predict(x, batchSize: 8);
            return (history, Weights(model), model.Optimizer!.Iterations, predicted.To(DType.Float64, Device.CPU).ToArray<double>());
        }
        finally
        {
            Optimizer.ForcePortable = false;
        }
    }

    private static void Compare(string name, DType dtype, double tolerance)
    {
        Skip.If(Engine.Current.FusedKernels is null, $"the {Engine.Name} engine has no fused training plans");
        using var fresh = Build(name, dtype).Model;
        var e = Train(name, dtype, eager: true, portable: false, fresh);
        foreach (var portable in Engine.Name == "native" ? new[] { false, true } : [true])
        {
            var p = Train(name, dtype, eager: false, portable, fresh);
            Assert.Equal(e.History.Keys.OrderBy(k => k), p.History.Keys.OrderBy(k => k));
            Assert.Contains("val_loss", e.History.Keys);
            foreach (var key in e.History.Keys)
                for (var i = 0; i < 4; i++)
                    Assert.True(Math.Abs(e.History[key][i] - p.History[key][i]) <= tolerance * Math.Max(1, Math.Abs(e.History[key][i])),
                        $"{name} (portable: {portable}) {key} epoch {i}: op by op {e.History[key][i]:R}, plan {p.History[key][i]:R}");
            for (var i = 0; i < e.Weights.Length; i++) Assert.Equal(e.Weights[i], p.Weights[i], new Tolerance(tolerance));
            Assert.Equal(16, e.Iterations);
            Assert.Equal(e.Iterations, p.Iterations);
            Assert.Equal(e.Predictions, p.Predictions, new Tolerance(tolerance));
        }
    }

    [SkippableFact]
    public void KernelsRejectBadOptionsBeforeTraining()
    {
        Skip.If(Engine.Current.FusedKernels is null, $"the {Engine.Name} engine has no fused training plans");
        foreach (var portable in Engine.Name == "native" ? new[] { false, true } : [true])
        {
            Optimizer.ForcePortable = portable;
            try
            {
                using var model = new Sequential(new Dense(4, "relu", inputDim: 2), new Dense(3, "softmax")) { DType = DType.Float64, Device = Device.CPU };
                model.Compile("sgd", "categorical_crossentropy");
                model.Fit(new double[,] { { 0, 0 } }, new double[,] { { 1, 0, 0 } }, epochs: 1, verbose: 0);  // builds the optimizer
                var state = model.Optimizer!.State!;
                var kernels = portable ? new Degenerate.Tensors.Engines.ManagedFusedKernels(Engine.Current) : Engine.Current.FusedKernels!;
                using var x = Tensor.Zeros([4, 2], DType.Float64, Device.CPU);
                using var y = Tensor.Zeros([4, 3], DType.Float64, Device.CPU);
                using var badNoise = Tensor.Ones([3, 4], DType.Float64, Device.CPU);
                var before = Weights(model);
                double Run(int[] activations, Degenerate.Tensors.Engines.FusedTrainingOptions? options) =>
                    kernels.FitEpoch(state, activations, [1, 1], 2, x.Handle, y.Handle, null, null, 2, 0.1, null, options);
                Exception Fails(int[] activations, Degenerate.Tensors.Engines.FusedTrainingOptions? options) =>
                    Assert.ThrowsAny<Exception>(() => Run(activations, options));

                // Four parameters (two kernels, two biases): three factors are an error, as are a negative clip, a
                // softmax before the last layer and noise of the wrong shape.
                Assert.Contains("3 L1 factors", Fails([2, 4], new() { L1 = [0, 0, 0] }).Message);
                Assert.Contains("ClipNorm", Fails([2, 4], new() { ClipNorm = -1 }).Message);
                Assert.Contains("softmax", Fails([4, 4], null).Message);
                Assert.Contains("dropout noise of layer 0", Fails([2, 4], new() { DropoutNoise = [badNoise.Handle, null] }).Message);
                Assert.Contains("learning rate", Fails([2, 4], new() { LearningRates = [0.1, double.NaN] }).Message);
                Assert.Contains("5 weight-decay flags", Fails([2, 4], new() { WeightDecay = 0.1, Decays = [true, false, true, true, true] }).Message);
                // Nothing was trained by the refused calls.
                var after = Weights(model);
                for (var i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i]);
                Assert.Equal(1, model.Optimizer!.Iterations);
            }
            finally
            {
                Optimizer.ForcePortable = false;
            }
        }
    }
}
