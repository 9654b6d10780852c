using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Optimizers;

/// <summary>
/// AdamW, Adamax, Nadam and Lion, weight decay and global clipping, replaying Keras 3's own unit tests
/// (keras/src/optimizers/{adamw,adamax,nadam,lion}_test.py: test_single_step, test_correctness_with_golden,
/// test_weight_decay) and checked against the update formulas worked by hand.
/// </summary>
[Collection(Serial.Name)] // seeds the global generator
public sealed class Keras3OptimizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-keras3-opt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // One update of the variables with these gradients: the loss Σ gᵢ·wᵢ has gradient g.
    private static void Apply(Optimizer optimizer, Tensor variable, double[] gradient)
    {
        using var scope = new DisposeScope();
        using var g = Tensor.FromArray(gradient, Device.CPU);
        (g * variable).Sum().Backward();
        optimizer.Step();
    }

    // Keras's assertAllClose: |actual − expected| ≤ atol + rtol·|expected|, element by element.
    private static void AllClose(double[] expected, double[] actual, double rtol, double atol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i]),
                $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    private static Tensor Variable(double[] values)
    {
        var t = Tensor.FromArray(values, Device.CPU);
        t.RequiresGrad = true;
        return t;
    }

    [Fact]
    public void Defaults_and_names_are_Keras()
    {
        var adamw = Assert.IsType<AdamW>(Optimizer.Get("adamw"));
        Assert.Equal((0.001, 0.004, 0.9, 0.999, 1e-7), (adamw.LearningRate, adamw.WeightDecay!.Value, adamw.Beta1, adamw.Beta2, adamw.Epsilon));
        var adamax = Assert.IsType<Adamax>(Optimizer.Get("Adamax"));
        Assert.Equal((0.001, 0.9, 0.999, 1e-7), (adamax.LearningRate, adamax.Beta1, adamax.Beta2, adamax.Epsilon));
        var nadam = Assert.IsType<Nadam>(Optimizer.Get("nadam"));
        Assert.Equal((0.001, 0.9, 0.999, 1e-7), (nadam.LearningRate, nadam.Beta1, nadam.Beta2, nadam.Epsilon));
        var lion = Assert.IsType<Lion>(Optimizer.Get("lion"));
        Assert.Equal((0.001, 0.9, 0.99), (lion.LearningRate, lion.Beta1, lion.Beta2));
        foreach (var o in new Optimizer[] { adamax, nadam, lion, new Adam(), new SGD() })
        {
            Assert.Null(o.WeightDecay);
            Assert.Null(o.GlobalClipnorm);
        }
    }

    [Fact]
    public void Bad_settings_name_the_argument()
    {
        // Keras: Lion's beta_1 must be in (0, 1]; only one of clipnorm, clipvalue, global_clipnorm.
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Lion(beta1: 0)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(weightDecay: -1)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: double.NaN)).ParamName);
        Assert.Equal("globalClipnorm", Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(globalClipnorm: 0)).ParamName);
        var e = Assert.Throws<ArgumentException>(() => new Nadam(clipNorm: 1, globalClipnorm: 1));
        Assert.Equal("globalClipnorm", e.ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adamax(beta2: 1)).ParamName);
    }

    public static TheoryData<string, double[]> SingleSteps() => new()
    {
        // test_single_step: lr 0.5, grads [1, 6, 7, 2], vars [1, 2, 3, 4].
        { "adamw", [0.4980, 1.4960, 2.494, 3.492] },
        { "adamax", [0.5, 1.5, 2.5, 3.5] },
        { "nadam", [0.4686, 1.4686, 2.4686, 3.4686] },
        { "lion", [0.5, 1.5, 2.5, 3.5] },
    };

    [Theory]
    [MemberData(nameof(SingleSteps))]
    public void Single_step_equals_Keras_test(string name, double[] expected)
    {
        using var optimizer = Optimizer.Get(name);
        optimizer.LearningRate = 0.5;
        using var v = Variable([1.0, 2.0, 3.0, 4.0]);
        optimizer.Build([v]);
        Apply(optimizer, v, [1.0, 6.0, 7.0, 2.0]);
        AllClose(expected, v.ToArray<double>(), 1e-4, 1e-4);
        Assert.Equal(1, optimizer.Iterations);
    }

    public static TheoryData<string> Goldens() => ["adamw", "adamax", "nadam", "lion"];

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Five_steps_equal_Keras_golden_values(string name)
    {
        // test_correctness_with_golden: x = ones(10); one step with grads 0.01, then steps with 0.1, 0.2, ..., 1.0.
        var (optimizer, golden) = Golden(name);
        using (optimizer)
        {
            using var x = Variable(Enumerable.Repeat(1.0, 10).ToArray());
            optimizer.Build([x]);
            var first = Enumerable.Repeat(0.01, 10).ToArray();
            var grads = Enumerable.Range(1, 10).Select(i => i / 10.0).ToArray();
            Apply(optimizer, x, first);
            for (var i = 0; i < 5; i++)
            {
                AllClose(golden[i], x.ToArray<double>(), 5e-4, 5e-4);
                Apply(optimizer, x, grads);
            }
        }
    }

    private static (Optimizer, double[][]) Golden(string name) => name switch
    {
        "adamw" => (new AdamW(learningRate: 1.0, weightDecay: 0.5, epsilon: 2),
        [
            [0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998],
            [0.2486, 0.2475, 0.2463, 0.2451, 0.244, 0.2428, 0.2417, 0.2405, 0.2394, 0.2382],
            [0.1223, 0.1198, 0.1174, 0.1149, 0.1124, 0.11, 0.1075, 0.1051, 0.1027, 0.1003],
            [0.0586, 0.0549, 0.0512, 0.0475, 0.0439, 0.0402, 0.0366, 0.033, 0.0294, 0.0258],
            [0.0263, 0.0215, 0.0167, 0.012, 0.0073, 0.0026, -0.0021, -0.0067, -0.0113, -0.0159],
        ]),
        "adamax" => (new Adamax(learningRate: 0.2, beta1: 0.85, beta2: 0.95, epsilon: 1e-6),
        [
            [0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8],
            [0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691],
            [0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466],
            [0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848],
            [0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126],
        ]),
        "nadam" => (new Nadam(learningRate: 0.5, beta1: 0.5, beta2: 0.67, epsilon: 1e-5),
        [
            [0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281],
            [-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717],
            [-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084],
            [-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299],
            [-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454],
        ]),
        _ => (new Lion(), Enumerable.Range(1, 5).Select(i => Enumerable.Repeat(1 - i * 0.001, 10).ToArray()).ToArray()),
    };

    [Theory]
    [InlineData("adamw")]
    [InlineData("adamax")]
    [InlineData("nadam")]
    [InlineData("lion")]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void Weight_decay_equals_Keras_test(string name)
    {
        // test_weight_decay: zero gradients, lr 1, weight_decay 0.004; three optimizers each decay var1 once:
        // 2·0.996³ = 1.9760959.
        using var v = Variable([2.0]);
        for (var k = 0; k < 3; k++)
        {
            using Optimizer optimizer = name switch
            {
                "adamw" => new AdamW(1.0, weightDecay: 0.004),
                "adamax" => new Adamax(1.0, weightDecay: 0.004),
                "nadam" => new Nadam(1.0, weightDecay: 0.004),
                "lion" => new Lion(1.0, weightDecay: 0.004),
                "adam" => new Adam(1.0, weightDecay: 0.004),
                _ => new SGD(1.0, weightDecay: 0.004),
            };
            optimizer.Build([v]);
            Apply(optimizer, v, [0.0]);
        }
        // Lion moves by lr·sign(0) = 0 on a zero gradient, so every optimizer leaves only the decay.
        Assert.Equal(1.9760959, v.ToArray<double>()[0], 6);
    }

    [Fact]
    public void Weight_decay_comes_before_the_update_at_the_current_rate()
    {
        // SGD, lr 0.1, wd 0.5, w = 3, g = 2: w = 3 − 3·0.5·0.1 = 2.85, then 2.85 − 0.1·2 = 2.65. A rate changed between
        // steps is the one the decay uses: lr 0.2 → 2.65 − 2.65·0.5·0.2 − 0.2·2 = 1.985.
        using var optimizer = new SGD(0.1, weightDecay: 0.5);
        using var v = Variable([3.0]);
        optimizer.Build([v]);
        Apply(optimizer, v, [2.0]);
        Assert.Equal(2.65, v.ToArray<double>()[0], 12);
        optimizer.LearningRate = 0.2;
        Apply(optimizer, v, [2.0]);
        Assert.Equal(1.985, v.ToArray<double>()[0], 12);
    }

    [Fact]
    public void Global_clipnorm_scales_all_gradients_together()
    {
        // Gradients [3, 0] and [4]: global norm 5, clip 1 → scale 0.2; SGD lr 1 moves by [0.6, 0] and [0.8]. Per-variable
        // clipnorm 1 would give [1, 0] and [1] instead.
        using var optimizer = new SGD(1.0, globalClipnorm: 1.0);
        using var a = Variable([1.0, 1.0]);
        using var b = Variable([1.0]);
        optimizer.Build([a, b]);
        using (var scope = new DisposeScope())
        {
            using var ga = Tensor.FromArray(new[] { 3.0, 0.0 }, Device.CPU);
            using var gb = Tensor.FromArray(new[] { 4.0 }, Device.CPU);
            ((ga * a).Sum() + (gb * b).Sum()).Backward();
            optimizer.Step();
        }
        Assert.Equal([0.4, 1.0], a.ToArray<double>(), new Tolerance(1e-12));
        Assert.Equal([0.2], b.ToArray<double>(), new Tolerance(1e-12));

        // Below the clip nothing changes: norm 0.5 < 1.
        using var small = new Adam(0.1, globalClipnorm: 1.0);
        using var plain = new Adam(0.1);
        using var c = Variable([1.0]);
        using var d = Variable([1.0]);
        small.Build([c]);
        plain.Build([d]);
        Apply(small, c, [0.5]);
        Apply(plain, d, [0.5]);
        Assert.Equal(d.ToArray<double>(), c.ToArray<double>());
    }

    [Fact]
    public void Models_train_save_and_load_the_new_optimizers()
    {
        var x = new double[24, 2];
        var y = new double[24, 1];
        for (var i = 0; i < 24; i++)
        {
            x[i, 0] = Math.Sin(i);
            x[i, 1] = Math.Cos(i * 0.5);
            y[i, 0] = 0.5 * x[i, 0] - x[i, 1];
        }
        Optimizer[] optimizers =
        [
            new AdamW(0.01, weightDecay: 0.01, amsgrad: true, globalClipnorm: 5), new Adamax(0.02, clipValue: 3),
            new Nadam(0.01, weightDecay: 0.001), new Lion(0.001, beta2: 0.98, clipNorm: 2), new SGD(0.05, weightDecay: 0.01),
        ];
        foreach (var optimizer in optimizers)
        {
            Degenerate.Random.Seed(3);
            using var model = new Sequential(new Dense(3, "tanh", inputDim: 2), new Dense(1)) { Device = Device.CPU, DType = DType.Float64 };
            model.Compile(optimizer, "mse");
            // The fused epoch has none of the new optimizers; SGD with weight decay rides it.
            Assert.Equal(optimizer is SGD && Engine.Current.FusedKernels is not null, TrainingPlan.ForTraining(model, []) is not null);
            var history = model.Fit(x, y, epochs: 20, batchSize: 8, verbose: 0);
            Assert.True(history["loss"][^1] < history["loss"][0], $"{optimizer.Name} lowers the loss");
            Assert.Equal(60, optimizer.Iterations);

            var path = Path.Combine(_dir, optimizer.Name + ".dgm");
            model.Save(path);
            using var loaded = Sequential.Load(path);
            var back = loaded.Optimizer!;
            Assert.Equal(optimizer.GetType(), back.GetType());
            Assert.Equal(optimizer.Config, back.Config);
            Assert.Equal((optimizer.WeightDecay, optimizer.GlobalClipnorm, optimizer.ClipNorm, optimizer.ClipValue),
                (back.WeightDecay, back.GlobalClipnorm, back.ClipNorm, back.ClipValue));
        }
    }

    [SkippableFact]
    public void Weight_decay_and_global_clipping_of_the_known_optimizers_ride_the_fused_plan()
    {
        // The plan applies them in Optimizer.Step's order (FusedExtensionsTests compares it with autograd).
        Skip.If(Engine.Current.FusedKernels is null, $"the {Engine.Name} engine has no fused training plans");
        using var decayed = new Sequential(new Dense(1, inputDim: 2)) { Device = Device.CPU };
        decayed.Compile(new Adam(weightDecay: 0.01), "mse");
        Assert.NotNull(TrainingPlan.ForTraining(decayed, []));
        using var clipped = new Sequential(new Dense(1, inputDim: 2)) { Device = Device.CPU };
        clipped.Compile(new SGD(globalClipnorm: 1), "mse");
        Assert.NotNull(TrainingPlan.ForTraining(clipped, []));
    }
}
