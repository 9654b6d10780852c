using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Optimizers;

public class OptimizerTests
{
    // ------------------------------------------------------------------ Keras defaults

    [Fact]
    public void DefaultsAreKeras()
    {
        var sgd = new SGD();
        Assert.Equal(0.01, sgd.LearningRate);
        Assert.Equal(0.0, sgd.Momentum);
        Assert.False(sgd.Nesterov);

        var adam = new Adam();
        Assert.Equal(0.001, adam.LearningRate);
        Assert.Equal(0.9, adam.Beta1);
        Assert.Equal(0.999, adam.Beta2);
        Assert.Equal(1e-7, adam.Epsilon);
        Assert.False(adam.Amsgrad);

        var rmsprop = new RMSprop();
        Assert.Equal(0.001, rmsprop.LearningRate);
        Assert.Equal(0.9, rmsprop.Rho);
        Assert.Equal(0.0, rmsprop.Momentum);
        Assert.Equal(1e-7, rmsprop.Epsilon);
        Assert.False(rmsprop.Centered);

        var adagrad = new Adagrad();
        Assert.Equal(0.001, adagrad.LearningRate);
        Assert.Equal(0.1, adagrad.InitialAccumulatorValue);
        Assert.Equal(1e-7, adagrad.Epsilon);

        foreach (Optimizer o in new Optimizer[] { sgd, adam, rmsprop, adagrad })
        {
            Assert.Null(o.ClipNorm);
            Assert.Null(o.ClipValue);
        }
    }

    [Fact]
    public void CompileDefaultsToRmspropLikeKeras()
    {
        using var model = new Sequential(new Dense(1, inputDim: 2)) { Device = Device.CPU };
        model.Compile(loss: "mse");
        var rmsprop = Assert.IsType<RMSprop>(model.Optimizer);
        Assert.Equal(0.001, rmsprop.LearningRate);
    }

    [Theory]
    [InlineData("sgd", typeof(SGD))]
    [InlineData("adam", typeof(Adam))]
    [InlineData("RMSprop", typeof(RMSprop))]
    [InlineData("adagrad", typeof(Adagrad))]
    public void KerasNamesResolveWithDefaults(string name, Type expected)
    {
        Optimizer o = name;
        Assert.IsType(expected, o);
        Assert.Equal(expected == typeof(SGD) ? 0.01 : 0.001, o.LearningRate);
        var e = Assert.Throws<ArgumentException>(() => Optimizer.Get("adadelta"));
        Assert.Equal("name", e.ParamName);
    }

    [Fact]
    public void OnlyOneOfClipNormAndClipValue()
    {
        var e = Assert.Throws<ArgumentException>(() => new SGD(clipNorm: 1, clipValue: 1));
        Assert.Equal("clipValue", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1));
    }

    // ------------------------------------------------------------------ update formulas

    // Two parameters; loss Σ aᵢ·wᵢ + ½ Σ wᵢ², so the gradient is g = a + w, recomputed at each step.
    private static readonly double[][] W0 = [[0.5, -1.5, 2.0], [3.0, -0.25]];
    private static readonly double[][] A = [[3.0, -4.0, 0.5], [-1.0, 6.0]];
    private const int Steps = 3;

    // Keras's update rules (keras/src/optimizers/*.py), worked in doubles.
    private sealed class Reference(string kind, double lr, double p1 = 0, double p2 = 0, double p3 = 0, bool flag = false,
        double? clipNorm = null, double? clipValue = null)
    {
        public double[][] Run(double? lrAfterFirstStep)
        {
            var result = new double[W0.Length][];
            for (var k = 0; k < W0.Length; k++)
            {
                var w = (double[])W0[k].Clone();
                var n = w.Length;
                var s1 = new double[n];
                var s2 = new double[n];
                var s3 = new double[n];
                if (kind == "adagrad") Array.Fill(s1, p1); // initial accumulator value
                var rate = lr;
                for (var t = 1; t <= Steps; t++)
                {
                    if (t == 2 && lrAfterFirstStep is { } changed) rate = changed;
                    var g = w.Select((v, i) => A[k][i] + v).ToArray();
                    if (clipNorm is { } cn)
                    {
                        var norm = Math.Sqrt(g.Sum(v => v * v));
                        g = g.Select(v => v * cn / Math.Max(norm, cn)).ToArray();
                    }
                    if (clipValue is { } cv) g = g.Select(v => Math.Clamp(v, -cv, cv)).ToArray();
                    for (var i = 0; i < n; i++)
                    {
                        switch (kind)
                        {
                            case "sgd": // p1 = momentum, flag = nesterov
                                if (p1 == 0) { w[i] -= rate * g[i]; break; }
                                s1[i] = p1 * s1[i] - rate * g[i];
                                w[i] += flag ? p1 * s1[i] - rate * g[i] : s1[i];
                                break;
                            case "adam": // p1 = β1, p2 = β2, p3 = ε, flag = amsgrad
                                s1[i] += (g[i] - s1[i]) * (1 - p1);
                                s2[i] += (g[i] * g[i] - s2[i]) * (1 - p2);
                                var v = s2[i];
                                if (flag) v = s3[i] = Math.Max(s3[i], s2[i]);
                                var alpha = rate * Math.Sqrt(1 - Math.Pow(p2, t)) / (1 - Math.Pow(p1, t));
                                w[i] -= s1[i] * alpha / (Math.Sqrt(v) + p3);
                                break;
                            case "rmsprop": // p1 = ρ, p2 = momentum, p3 = ε, flag = centered
                                s1[i] = p1 * s1[i] + (1 - p1) * g[i] * g[i];
                                double denominator;
                                if (flag)
                                {
                                    s3[i] = p1 * s3[i] + (1 - p1) * g[i];
                                    denominator = s1[i] - s3[i] * s3[i] + p3;
                                }
                                else denominator = s1[i] + p3;
                                var increment = rate * g[i] / Math.Sqrt(denominator);
                                if (p2 > 0)
                                {
                                    s2[i] = p2 * s2[i] + increment;
                                    w[i] -= s2[i];
                                }
                                else w[i] -= increment;
                                break;
                            case "adagrad": // p1 = initial accumulator, p2 = ε
                                s1[i] += g[i] * g[i];
                                w[i] -= rate * g[i] / Math.Sqrt(s1[i] + p2);
                                break;
                        }
                    }
                }
                result[k] = w;
            }
            return result;
        }
    }

    // Each case runs on the engine's own optimizer and on the portable one (Keras's rules on tensor operations, what
    // an engine without fused optimizers uses).
    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var device in new[] { "cpu", "cuda" })
            foreach (var c in Factories.Keys)
                foreach (var portable in new[] { false, true }) data.Add(device, c, portable);
        return data;
    }

    private static readonly Dictionary<string, (Func<Optimizer> Make, Reference Expected, double? LrAfterFirst)> Factories = new()
    {
        ["sgd"] = (() => new SGD(0.1), new Reference("sgd", 0.1), null),
        ["sgd momentum"] = (() => new SGD(0.1, momentum: 0.9), new Reference("sgd", 0.1, 0.9), null),
        ["sgd nesterov"] = (() => new SGD(0.1, momentum: 0.8, nesterov: true), new Reference("sgd", 0.1, 0.8, flag: true), null),
        ["sgd clipnorm"] = (() => new SGD(0.1, clipNorm: 1.0), new Reference("sgd", 0.1, clipNorm: 1.0), null),
        ["sgd clipvalue"] = (() => new SGD(0.1, momentum: 0.5, clipValue: 2.0), new Reference("sgd", 0.1, 0.5, clipValue: 2.0), null),
        ["adam"] = (() => new Adam(0.1), new Reference("adam", 0.1, 0.9, 0.999, 1e-7), null),
        ["adam custom"] = (() => new Adam(0.05, 0.8, 0.99, 1e-3), new Reference("adam", 0.05, 0.8, 0.99, 1e-3), null),
        ["adam amsgrad"] = (() => new Adam(0.3, amsgrad: true), new Reference("adam", 0.3, 0.9, 0.999, 1e-7, flag: true), null),
        ["adam clipnorm, lr change"] = (() => new Adam(0.1, clipNorm: 0.5), new Reference("adam", 0.1, 0.9, 0.999, 1e-7, clipNorm: 0.5), 0.01),
        ["rmsprop"] = (() => new RMSprop(0.01), new Reference("rmsprop", 0.01, 0.9, 0, 1e-7), null),
        ["rmsprop momentum"] = (() => new RMSprop(0.01, momentum: 0.7), new Reference("rmsprop", 0.01, 0.9, 0.7, 1e-7), null),
        ["rmsprop centered"] = (() => new RMSprop(0.01, rho: 0.8, centered: true), new Reference("rmsprop", 0.01, 0.8, 0, 1e-7, flag: true), null),
        ["rmsprop centered momentum clipvalue"] = (() => new RMSprop(0.02, momentum: 0.5, centered: true, clipValue: 1.5),
            new Reference("rmsprop", 0.02, 0.9, 0.5, 1e-7, flag: true, clipValue: 1.5), null),
        ["adagrad"] = (() => new Adagrad(0.1), new Reference("adagrad", 0.1, 0.1, 1e-7), null),
        ["adagrad custom"] = (() => new Adagrad(0.5, initialAccumulatorValue: 0.0, epsilon: 1e-3),
            new Reference("adagrad", 0.5, 0.0, 1e-3), null),
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void StepsFollowKerasFormulas(string deviceName, string name, bool portable)
    {
        var device = TestDevices.Get(deviceName);
        var (make, reference, lrAfterFirst) = Factories[name];
        using var optimizer = make();
        Optimizer.ForcePortable = portable;
        var parameters = W0.Select(w =>
        {
            var t = Tensor.FromArray(w, device);
            t.RequiresGrad = true;
            return t;
        }).ToArray();
        var coefficients = A.Select(a => Tensor.FromArray(a, device)).ToArray();
        try
        {
            optimizer.Build(parameters);
            for (var step = 1; step <= Steps; step++)
            {
                if (step == 2 && lrAfterFirst is { } lr) optimizer.LearningRate = lr;
                using var scope = new DisposeScope();
                Tensor? loss = null;
                for (var k = 0; k < parameters.Length; k++)
                {
                    var term = (coefficients[k] * parameters[k]).Sum() + parameters[k].Square().Sum() * 0.5;
                    loss = loss is null ? term : loss + term;
                }
                loss!.Backward();
                optimizer.Step();
                Assert.Null(parameters[0].Grad); // the step clears the gradients
            }
            Assert.Equal(Steps, optimizer.Iterations);
            var expected = reference.Run(lrAfterFirst);
            for (var k = 0; k < parameters.Length; k++)
                Assert.Equal(expected[k], parameters[k].ToArray<double>(), new Tolerance(1e-12));
        }
        finally
        {
            Optimizer.ForcePortable = false;
            foreach (var t in parameters.Concat(coefficients)) t.Dispose();
        }
    }

    [SkippableTheory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("rmsprop")]
    [InlineData("adagrad")]
    public void PortableOptimizerTrainsAModelAsTheEnginesOwn(string name)
    {
        using (var probe = Tensor.Zeros([1]))
        {
            using var own = Engine.Current.CreateOptimizer(0, [0, 0], [probe.Handle]);
            Skip.If(own is null, $"the {Engine.Name} engine has no optimizers of its own");
        }

        // A two-layer float64 network trained op by op for two epochs of minibatches: the same weights either way.
        var x = new double[40, 3];
        var y = new double[40, 1];
        for (var i = 0; i < 40; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = Math.Sin(i * 0.7 + j);
            y[i, 0] = Math.Cos(i * 0.3);
        }
        double[][] Train(bool portable)
        {
            Degenerate.Random.Seed(7);
            using var model = new Sequential(new Dense(4, "tanh", inputDim: 3), new Dense(1))
                { Device = Device.CPU, DType = DType.Float64, RunEagerly = true };
            Optimizer.ForcePortable = portable;
            try
            {
                model.Compile(optimizer: name, loss: "mse");
                model.Fit(x, y, epochs: 2, batchSize: 8, shuffle: false, verbose: 0);
            }
            finally
            {
                Optimizer.ForcePortable = false;
            }
            Assert.Equal(portable, model.Optimizer!.State is PortableOptimizer);
            return model.GetWeights().Select(w => { using (w) return w.ToArray<double>(); }).ToArray();
        }
        var native = Train(false);
        var portable = Train(true);
        for (var k = 0; k < native.Length; k++) Assert.Equal(native[k], portable[k], new Tolerance(1e-12));
    }
}
