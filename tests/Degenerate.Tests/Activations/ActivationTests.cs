using Degenerate.Activations;
using Degenerate.Layers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Activations;

public class ActivationTests
{
    private static readonly double[] Points = [-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 4.0];

    // erf by its Maclaurin series (exact to ~1e-15 for |x| ≤ 3), for the exact GELU x·Φ(x).
    private static double Erf(double x)
    {
        double sum = 0, term = x;
        for (var n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var device in new[] { "cpu", "cuda" })
            foreach (var name in new[] { "linear", "sigmoid", "relu", "tanh", "exponential", "softplus", "elu", "gelu", "inverse" })
                data.Add(device, name);
        return data;
    }

    private static double Reference(string name, double x) => name switch
    {
        "linear" => x,
        "sigmoid" => 1 / (1 + Math.Exp(-x)),
        "relu" => Math.Max(0, x),
        "tanh" => Math.Tanh(x),
        "exponential" => Math.Exp(x),
        "softplus" => Math.Log(1 + Math.Exp(x)),
        "elu" => x > 0 ? x : Math.Exp(x) - 1,
        "gelu" => x * 0.5 * (1 + Erf(x / Math.Sqrt(2))),
        "inverse" => 1 / x,  // +infinity at 0, as libtorch's reciprocal
        _ => throw new ArgumentException(name),
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void ElementWiseActivationsMatchTheirDefinitions(string deviceName, string name)
    {
        var device = TestDevices.Get(deviceName);
        ActivationFunction f = name;
        Assert.Equal(name, f.Name);
        using var x = Tensor.FromArray(Points, device);
        using var y = f.Apply(x);
        Assert.Equal(Points.Select(p => Reference(name, p)), y.ToArray<double>(), new Tolerance(1e-12));
    }

    [Fact]
    public void EluAlphaAndSoftmaxByName()
    {
        using var x = Tensor.FromArray(new[] { -1.0, 2.0 });
        using var y = new Elu(0.5).Apply(x);
        Assert.Equal([0.5 * (Math.Exp(-1) - 1), 2.0], y.ToArray<double>(), new Tolerance(1e-12));
        ActivationFunction softmax = "softmax";
        using var m = Tensor.FromArray(new double[,] { { 0, Math.Log(3) } });
        using var p = softmax.Apply(m);
        Assert.Equal([0.25, 0.75], p.ToArray<double>(), new Tolerance(1e-12));
    }

    [Fact]
    public void NamesAndLinear()
    {
        Assert.Equal(["linear", "sigmoid", "softmax", "relu", "tanh", "exponential", "softplus", "elu", "gelu", "inverse"], ActivationFunction.Names.Take(10));
        Assert.Null(new Dense(1, "linear").Activation); // linear means none, as in Keras
        Assert.Null(new Dense(1).Activation);
        var e = Assert.Throws<ArgumentException>(() => ActivationFunction.Get("swish2"));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("gelu", e.Message);
    }
}
