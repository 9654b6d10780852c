using Degenerate.Activations;
using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

/// <summary>
/// The compiled training plan (one native call per epoch, closed-form backward) against the op-by-op autograd path
/// (<see cref="Model.RunEagerly"/>): same weights, same losses, on every supported layer/activation/loss/optimizer
/// combination. Serial: both fits draw their shuffling from the global generator, seeded alike.
/// </summary>
[Collection(Serial.Name)]
public class FusedTrainingTests
{
    public static TheoryData<string, string, string> Combinations()
    {
        var data = new TheoryData<string, string, string>();
        string[] hidden = ["linear", "sigmoid", "relu", "tanh"];
        string[] heads = ["mse/linear", "mse/sigmoid", "mse/tanh", "mse/relu", "bce/sigmoid", "bce-logits/linear"];
        string[] optimizers = ["sgd", "sgd-momentum", "sgd-nesterov", "adam", "adam-amsgrad", "rmsprop", "rmsprop-centered-momentum", "adagrad"];
        foreach (var h in hidden)
            foreach (var head in heads)
                data.Add(h, head, "adam");
        foreach (var o in optimizers.Where(o => o != "adam"))
            data.Add("tanh", "bce/sigmoid", o);
        return data;
    }

    internal static Optimizer MakeOptimizer(string name) => name switch
    {
        "sgd" => new SGD(0.05),
        "sgd-momentum" => new SGD(0.05, momentum: 0.9),
        "sgd-nesterov" => new SGD(0.05, momentum: 0.9, nesterov: true),
        "adam" => new Adam(0.01),
        "adam-amsgrad" => new Adam(0.01, amsgrad: true),
        "rmsprop" => new RMSprop(0.01),
        "rmsprop-centered-momentum" => new RMSprop(0.01, momentum: 0.5, centered: true),
        "adagrad" => new Adagrad(0.05),
        _ => throw new ArgumentException(name),
    };

    internal static (double[,] X, double[,] Y, double[] W) Data(int rows, int inputs, int outputs, bool binary)
    {
        var rng = new System.Random(7);
        var x = new double[rows, inputs];
        var y = new double[rows, outputs];
        var w = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            double s = 0;
            for (var j = 0; j < inputs; j++)
            {
                x[i, j] = rng.NextDouble() * 4 - 2;
                s += x[i, j] * (j % 2 == 0 ? 1 : -0.5);
            }
            for (var k = 0; k < outputs; k++)
                y[i, k] = binary ? (s + rng.NextDouble() - 0.5 + k > 0 ? 1 : 0) : Math.Sin(s) + 0.1 * k;
            w[i] = 0.5 + rng.NextDouble();
        }
        return (x, y, w);
    }

    internal static Sequential Model(string hidden, string head, string optimizer, DType dtype, Sequential? copyFrom)
    {
        var parts = head.Split('/');
        var model = new Sequential(
            new Dense(5, hidden, inputDim: 3),
            new Dense(4, hidden, useBias: false),
            new Dense(2, parts[1])) { DType = dtype, Device = Device.CPU };
        Loss loss = parts[0] switch
        {
            "mse" => new MeanSquaredError(),
            "bce" => new BinaryCrossentropy(),
            _ => new BinaryCrossentropy(fromLogits: true),
        };
        model.Compile(MakeOptimizer(optimizer), loss);
        if (copyFrom is not null)
        {
            var weights = copyFrom.GetWeights();
            model.SetWeights(weights);
            foreach (var t in weights) t.Dispose();
        }
        return model;
    }

    internal static double[][] Weights(Model model)
    {
        var weights = model.GetWeights();
        var result = weights.Select(w => w.To(DType.Float64, Device.CPU).ToArray<double>()).ToArray();
        foreach (var t in weights) t.Dispose();
        return result;
    }

    [SkippableTheory]
    [MemberData(nameof(Combinations))]
    public void PlanMatchesAutogradInFloat64(string hidden, string head, string optimizer) =>
        Compare(hidden, head, optimizer, DType.Float64, 1e-12);

    [SkippableTheory]
    [InlineData("relu", "bce/sigmoid", "adam")]
    [InlineData("tanh", "mse/linear", "sgd-momentum")]
    [InlineData("sigmoid", "mse/sigmoid", "rmsprop")]
    public void PlanMatchesAutogradInFloat32(string hidden, string head, string optimizer) =>
        Compare(hidden, head, optimizer, DType.Float32, 2e-5);

    // The plans are the engine's fused kernels; an engine without them trains every model op by op.
    private static void SkipWithoutPlans() =>
        Skip.If(Engine.Current.FusedKernels is null, $"the {Engine.Name} engine has no fused training plans");

    private static void Compare(string hidden, string head, string optimizer, DType dtype, double tolerance)
    {
        SkipWithoutPlans();
        var (x, y, w) = Data(37, 3, 2, binary: head.StartsWith("bce", StringComparison.Ordinal));
        using var eager = Model(hidden, head, optimizer, dtype, null);
        using var planned = Model(hidden, head, optimizer, dtype, eager);
        eager.RunEagerly = true;
        Assert.Null(TrainingPlan.ForTraining(eager, []));
        Assert.NotNull(TrainingPlan.ForTraining(planned, []));

        // Shuffled batches with a ragged last one, sample weights, a validation split: every path of Fit.
        Degenerate.Random.Seed(11);
        var he = eager.Fit(x, y, epochs: 4, batchSize: 8, validationSplit: 0.2, sampleWeight: w, verbose: 0);
        Degenerate.Random.Seed(11);
        var hp = planned.Fit(x, y, epochs: 4, batchSize: 8, validationSplit: 0.2, sampleWeight: w, verbose: 0);

        var we = Weights(eager);
        var wp = Weights(planned);
        for (var i = 0; i < we.Length; i++)
            Assert.Equal(we[i], wp[i], new Tolerance(tolerance));
        Assert.Equal(he["loss"], hp["loss"], new Tolerance(tolerance));
        Assert.Equal(he["val_loss"], hp["val_loss"], new Tolerance(tolerance));
        Assert.Equal(eager.Optimizer!.Iterations, planned.Optimizer!.Iterations);

        // Prediction through the fused chunked forward equals the op-by-op forward.
        using var pe = eager.Predict(x, batchSize: 8);
        using var pp = planned.Predict(x, batchSize: 8);
        Assert.Equal(pe.To(DType.Float64, Device.CPU).ToArray<double>(), pp.To(DType.Float64, Device.CPU).ToArray<double>(),
            new Tolerance(tolerance));
    }

    [Fact]
    public void DeltaRuleOfTheSeedMatchesAutogradAndTheHandLoop()
    {
        // The 4-point table of the "smallest neural network" seed: delta rule = SGD on BCE with batch 1, no shuffle.
        double[,] x = { { 1, 0 }, { 0, 0 }, { 1, 1 }, { 0, 1 } };
        double[] y = [0, 1, 0, 1];
        Sequential Make() =>
            new(new Dense(1, "sigmoid", inputDim: 2, kernelInitializer: new Degenerate.Initializers.Constant(0.2),
                biasInitializer: new Degenerate.Initializers.Constant(0.2))) { DType = DType.Float64, Device = Device.CPU };
        using var eager = Make();
        using var planned = Make();
        eager.RunEagerly = true;
        eager.Compile(new SGD(0.7), "binary_crossentropy");
        planned.Compile(new SGD(0.7), "binary_crossentropy");
        eager.Fit(x, y, epochs: 200, batchSize: 1, shuffle: false, verbose: 0);
        planned.Fit(x, y, epochs: 200, batchSize: 1, shuffle: false, verbose: 0);

        // The seed's loop: weights += eta·(y − σ(x·w))·x, bias as a third input fixed at 1.
        double[] hand = [0.2, 0.2, 0.2];
        for (var epoch = 0; epoch < 200; epoch++)
            for (var r = 0; r < 4; r++)
            {
                var z = hand[0] * x[r, 0] + hand[1] * x[r, 1] + hand[2];
                var err = y[r] - 1 / (1 + Math.Exp(-z));
                hand[0] += 0.7 * err * x[r, 0];
                hand[1] += 0.7 * err * x[r, 1];
                hand[2] += 0.7 * err;
            }
        var we = Weights(eager).SelectMany(v => v).ToArray();
        var wp = Weights(planned).SelectMany(v => v).ToArray();
        // 800 dependent steps: libtorch's vectorized exp and the C library's exp differ in the last bit now and then,
        // and the dynamics carry that along, so the three agree to 1e-10 here (each step agrees to 1e-16).
        Assert.Equal(we, wp, new Tolerance(1e-10));
        Assert.Equal(hand, wp, new Tolerance(1e-10));
        Assert.Equal(hand, we, new Tolerance(1e-10));
    }

    [SkippableFact]
    public void PerBatchCallbacksAndUnsupportedLayersTakeTheOpByOpPath()
    {
        SkipWithoutPlans();
        using var model = new Sequential(new Dense(2, "relu", inputDim: 3), new Dense(1, "sigmoid")) { Device = Device.CPU };
        model.Compile("adam", "binary_crossentropy");
        Assert.NotNull(TrainingPlan.ForTraining(model, []));
        Assert.Null(TrainingPlan.ForTraining(model, [new TerminateOnNaN()]));
        Assert.Null(TrainingPlan.ForTraining(model, [new LambdaCallback(onBatchEnd: (_, _) => { })]));
        Assert.NotNull(TrainingPlan.ForTraining(model, [new EarlyStopping(monitor: "loss")]));

        // Metrics now ride the plan (FusedMetricsTests).
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        Assert.NotNull(TrainingPlan.ForTraining(model, []));
        // Clipping, Dropout between Dense layers and softmax heads ride it too (FusedExtensionsTests).
        model.Compile(new Adam(clipNorm: 1), "binary_crossentropy");
        Assert.NotNull(TrainingPlan.ForTraining(model, []));
        model.Compile("adam", "mae");
        Assert.Null(TrainingPlan.ForTraining(model, []));
        // Weight decay rides the plan, with weights excluded from it or not (FusedExtensionsTests' decay cases).
        var decaying = new Adam(weightDecay: 0.1);
        model.Compile(decaying, "binary_crossentropy");
        Assert.NotNull(TrainingPlan.ForTraining(model, []));
        decaying.ExcludeFromWeightDecay(varNames: ["bias"]);
        Assert.NotNull(TrainingPlan.ForTraining(model, []));
        var byReference = new Adam(weightDecay: 0.1);
        model.Compile(byReference, "binary_crossentropy");
        byReference.ExcludeFromWeightDecay(varList: [model.Layers[0].Weights[0]]);
        Assert.NotNull(TrainingPlan.ForTraining(model, []));
        // Cross-entropy on probabilities that are not a softmax's, and label smoothing, stay op by op.
        model.Compile("adam", "categorical_crossentropy");
        Assert.Null(TrainingPlan.ForTraining(model, []));
        model.Compile("adam", new BinaryCrossentropy(labelSmoothing: 0.1));
        Assert.Null(TrainingPlan.ForTraining(model, []));

        using var withDropout = new Sequential(new Dense(2, "relu", inputDim: 3), new Dropout(0.5), new Dense(1)) { Device = Device.CPU };
        withDropout.Compile("adam", "mse");
        Assert.NotNull(TrainingPlan.ForTraining(withDropout, []));
        using var dropoutLast = new Sequential(new Dense(2, "relu", inputDim: 3), new Dense(1), new Dropout(0.5)) { Device = Device.CPU };
        dropoutLast.Compile("adam", "mse");
        Assert.Null(TrainingPlan.ForTraining(dropoutLast, []));
        using var twoDropouts = new Sequential(new Dense(2, "relu", inputDim: 3), new Dropout(0.5), new Dropout(0.2), new Dense(1)) { Device = Device.CPU };
        twoDropouts.Compile("adam", "mse");
        Assert.Null(TrainingPlan.ForTraining(twoDropouts, []));
        using var noise = new Sequential(new Dense(2, "relu", inputDim: 3), new GaussianNoise(0.1), new Dense(1)) { Device = Device.CPU };
        noise.Compile("adam", "mse");
        Assert.Null(TrainingPlan.ForTraining(noise, []));
        using var hiddenSoftmax = new Sequential(new Dense(3, "softmax", inputDim: 3), new Dense(3, "softmax")) { Device = Device.CPU };
        hiddenSoftmax.Compile("adam", "categorical_crossentropy");
        Assert.Null(TrainingPlan.ForTraining(hiddenSoftmax, []));
        using var custom = new Sequential(new Dense(2, "relu", inputDim: 3, kernelRegularizer: new HalfSquares()), new Dense(1)) { Device = Device.CPU };
        custom.Compile("adam", "mse");
        Assert.Null(TrainingPlan.ForTraining(custom, []));
        using var gelu = new Sequential(new Dense(2, "gelu", inputDim: 3), new Dense(1)) { Device = Device.CPU };
        gelu.Compile("adam", "mse");
        Assert.Null(TrainingPlan.ForTraining(gelu, []));
    }

    // A regularizer of the user's own: the plan cannot know its gradient, so it must refuse.
    private sealed class HalfSquares : Degenerate.Regularizers.Regularizer
    {
        public override Tensor Penalty(Tensor weight)
        {
            using var sq = weight.Square();
            using var sum = sq.Sum();
            return sum * 0.5;
        }

        public override string Describe() => "half_squares";
    }

    [SkippableFact]
    public void PlanAndEagerEpochsCanAlternateOnOneOptimizerState()
    {
        SkipWithoutPlans();
        var (x, y, _) = Data(40, 3, 2, binary: false);
        using var a = Model("tanh", "mse/linear", "adam", DType.Float64, null);
        using var b = Model("tanh", "mse/linear", "adam", DType.Float64, a);
        a.RunEagerly = true;
        a.Fit(x, y, epochs: 4, batchSize: 16, shuffle: false, verbose: 0);
        for (var e = 0; e < 4; e++)
        {
            b.RunEagerly = e % 2 == 1;
            b.Fit(x, y, epochs: 1, batchSize: 16, shuffle: false, verbose: 0);
        }
        var wa = Weights(a);
        var wb = Weights(b);
        for (var i = 0; i < wa.Length; i++) Assert.Equal(wa[i], wb[i], new Tolerance(1e-12));
    }
}
