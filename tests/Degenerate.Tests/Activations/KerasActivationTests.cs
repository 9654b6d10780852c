using Degenerate.Activations;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Activations;

// The activations Keras 3 adds beyond the classic set (keras/src/activations/activations.py), checked against their
// definitions written out in double arithmetic here, and their gradients against central finite differences.
public class KerasActivationTests
{
    // Away from the kinks (0 and 6 for relu6, ±3 for the hard ones) so finite differences are exact to O(h²).
    private static readonly double[] Points = [-7.0, -4.5, -2.0, -0.7, 0.3, 1.5, 2.5, 4.0, 7.5];

    private const double SeluAlpha = 1.6732632423543772848170429916717; // keras activations.selu's constants
    private const double SeluScale = 1.0507009873554804934193349852946;

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
    private static double Relu6(double x) => Math.Min(Math.Max(x, 0), 6);

    private static double Reference(string name, double x) => name switch
    {
        "leaky_relu" => x >= 0 ? x : 0.2 * x,
        "relu6" => Relu6(x),
        "selu" => SeluScale * (x > 0 ? x : SeluAlpha * (Math.Exp(x) - 1)),
        "silu" or "swish" => x * Sigmoid(x),
        "softsign" => x / (Math.Abs(x) + 1),
        "hard_sigmoid" => Relu6(x + 3) / 6,           // Keras 3's definition
        "hard_silu" or "hard_swish" => x * Relu6(x + 3) / 6,
        "mish" => x * Math.Tanh(Math.Log(1 + Math.Exp(x))),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var device in new[] { "cpu", "cuda" })
            foreach (var name in new[] { "leaky_relu", "relu6", "selu", "silu", "swish", "softsign", "hard_sigmoid", "hard_silu", "hard_swish", "mish" })
                data.Add(device, name);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void ValuesMatchKerasDefinitions(string deviceName, string name)
    {
        var device = TestDevices.Get(deviceName);
        ActivationFunction f = name;
        using var x = Tensor.FromArray(Points, device);
        using var y = f.Apply(x);
        Assert.Equal(Points.Select(p => Reference(name, p)), y.ToArray<double>(), new Tolerance(1e-12));
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(string deviceName, string name)
    {
        var device = TestDevices.Get(deviceName);
        ActivationFunction f = name;
        using var scope = new DisposeScope();
        var x = Tensor.FromArray(Points, device);
        x.RequiresGrad = true;
        var grad = Autograd.Grad(f.Apply(x).Sum(), [x])[0]!.ToArray<double>();
        const double h = 1e-5;
        var expected = Points.Select(p => (Reference(name, p + h) - Reference(name, p - h)) / (2 * h));
        Assert.Equal(expected, grad, new Tolerance(1e-8));
    }

    [Fact]
    public void AliasesResolveToTheirKerasNames()
    {
        Assert.IsType<Silu>(ActivationFunction.Get("swish"));
        Assert.Equal("silu", ActivationFunction.Get("swish").Name);
        Assert.IsType<HardSilu>(ActivationFunction.Get("hard_swish"));
        Assert.Equal("hard_silu", ActivationFunction.Get("Hard_Swish").Name);
        foreach (var name in new[] { "leaky_relu", "relu6", "selu", "silu", "softsign", "hard_sigmoid", "hard_silu", "mish", "log_softmax" })
        {
            Assert.Equal(name, ActivationFunction.Get(name).Name);
            Assert.Contains(name, ActivationFunction.Names);
        }
        Assert.Equal(0.2, new LeakyRelu().NegativeSlope);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyRelu(-0.1));
        Assert.Equal("negativeSlope", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyRelu(double.NaN));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void LogSoftmaxIsTheLogOfSoftmaxRowWise(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var scope = new DisposeScope();
        double[,] rows = { { 1, 2, 3 }, { -1000, 0, 1000 } };
        var y = new LogSoftmax().Apply(Tensor.FromArray(rows, device)).ToArray<double>();
        for (var r = 0; r < 2; r++)
        {
            var max = Math.Max(rows[r, 0], Math.Max(rows[r, 1], rows[r, 2]));
            var lse = max + Math.Log(Enumerable.Range(0, 3).Sum(c => Math.Exp(rows[r, c] - max)));
            for (var c = 0; c < 3; c++) Assert.Equal(rows[r, c] - lse, y[r * 3 + c], 1e-9);
        }
        // Stable: the row with a spread of 2000 has no -inf or NaN where it should be finite.
        Assert.Equal(-2000, y[3], 1e-9);
        Assert.Equal(0, y[5], 1e-12);
        // Gradient of Σ log_softmax(x)_j w_j at a row: w − softmax(x)·Σw.
        var x = Tensor.FromArray(new double[,] { { 0.5, -1, 2 } }, device);
        x.RequiresGrad = true;
        var w = Tensor.FromArray(new double[,] { { 1, 2, 3 } }, device);
        var g = Autograd.Grad((new LogSoftmax().Apply(x) * w).Sum(), [x])[0]!.ToArray<double>();
        double[] v = [0.5, -1, 2];
        var z = v.Sum(Math.Exp);
        Assert.Equal(v.Select((t, i) => (i + 1) - Math.Exp(t) / z * 6), g, new Tolerance(1e-12));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void SavedAndLoadedWithTheirParameters(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        var path = Path.Combine(Path.GetTempPath(), $"kact-{Guid.NewGuid():N}.dgm");
        try
        {
            using var scope = new DisposeScope();
            using var model = new Sequential(
                new Dense(4, new LeakyRelu(0.05), inputDim: 2), new Dense(3, "mish"), new Activation("hard_swish"),
                new Dense(3, "selu"), new Dense(2, "log_softmax")) { DType = DType.Float64, Device = device };
            model.Compile("sgd", "mse");
            model.Save(path);
            using var loaded = Sequential.Load(path, device);
            Assert.Equal(0.05, Assert.IsType<LeakyRelu>(((Dense)loaded.Layers[0]).Activation).NegativeSlope);
            Assert.IsType<Mish>(((Dense)loaded.Layers[1]).Activation);
            Assert.IsType<HardSilu>(((Activation)loaded.Layers[2]).Function);
            var x = Tensor.FromArray(new double[,] { { -1, 2 }, { 0.5, -3 }, { 4, 1 } }, device);
            Assert.Equal(model.Predict(x).ToArray<double>(), loaded.Predict(x).ToArray<double>(), new Tolerance(1e-12));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // The fused training plan implements only linear/sigmoid/relu/tanh/softmax: a model using a newer activation must
    // train through autograd and reach the same weights with and without RunEagerly.
    [Theory]
    [InlineData("leaky_relu")]
    [InlineData("selu")]
    [InlineData("hard_silu")]
    [InlineData("mish")]
    public void FusedPlanDoesNotClaimNewActivations(string name)
    {
        using var scope = new DisposeScope();
        var rng = new System.Random(3);
        var x = new double[40, 3];
        var y = new double[40, 1];
        for (var i = 0; i < 40; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = rng.NextDouble() * 4 - 2;
            y[i, 0] = Math.Sin(x[i, 0]) + x[i, 1] * x[i, 2];
        }
        Tensor[] Train(bool eager)
        {
            using var model = new Sequential(new Dense(5, name, inputDim: 3), new Dense(1)) { DType = DType.Float64, RunEagerly = eager };
            model.SetWeights(new Array[]
            {
                new double[,] { { 0.3, -0.2, 0.5, 0.1, -0.4 }, { -0.6, 0.2, 0.3, -0.1, 0.7 }, { 0.2, 0.4, -0.5, 0.6, 0.1 } },
                new double[] { 0.1, -0.1, 0.05, 0, 0.2 }, new double[,] { { 0.5 }, { -0.3 }, { 0.8 }, { 0.2 }, { -0.6 } }, new[] { 0.0 },
            });
            model.Compile("adam", "mse");
            model.Fit(x, y, epochs: 3, batchSize: 8, shuffle: false, verbose: 0);
            return model.GetWeights();
        }
        var eager = Train(true);
        var planned = Train(false);
        for (var i = 0; i < eager.Length; i++)
            Assert.Equal(eager[i].ToArray<double>(), planned[i].ToArray<double>(), new Tolerance(1e-12));
    }
}
