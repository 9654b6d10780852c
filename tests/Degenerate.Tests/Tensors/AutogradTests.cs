using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Tensors;

// Gradients from libtorch's autograd against derivatives worked out by hand.
public class AutogradTests
{
    private static readonly double[] Points = [-2.0, -0.5, 0.0, 0.75, 3.0];

    private static Tensor Leaf(double[] values, Device device)
    {
        var t = Tensor.FromArray(values, device);
        t.RequiresGrad = true;
        return t;
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void CubeHasGradientThreeXSquared(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var x = Leaf(Points, device);
        using (var scope = new DisposeScope())
        {
            var y = x.Pow(3).Sum();
            y.Backward();
        }
        using var grad = x.Grad!;
        Assert.Equal(Points.Select(v => 3 * v * v), grad.ToArray<double>(), new Tolerance(1e-12));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void SecondDerivativeOfTheCubeThroughCreateGraph(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var x = Leaf(Points, device);
        using var scope = new DisposeScope();
        var y = (x * x * x).Sum();
        var first = Autograd.Grad(y, [x], createGraph: true)[0]!;
        Assert.Equal(Points.Select(v => 3 * v * v), first.ToArray<double>(), new Tolerance(1e-12));
        var second = Autograd.Grad(first.Sum(), [x])[0]!;
        Assert.Equal(Points.Select(v => 6 * v), second.ToArray<double>(), new Tolerance(1e-12));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void SigmoidHasGradientSigmaTimesOneMinusSigma(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        using var x = Leaf(Points, device);
        using var scope = new DisposeScope();
        var grad = Autograd.Grad(x.Sigmoid().Sum(), [x])[0]!;
        var expected = Points.Select(v =>
        {
            var s = 1 / (1 + Math.Exp(-v));
            return s * (1 - s);
        });
        Assert.Equal(expected, grad.ToArray<double>(), new Tolerance(1e-12));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void LogSumExpHasTheSoftmaxAsGradient(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] z = { { 1, 2, 3 }, { -1, 0, 400 } };
        using var x = Tensor.FromArray(z, device);
        x.RequiresGrad = true;
        using var scope = new DisposeScope();
        var lse = x.LogSumExp(1);
        var values = lse.ToArray<double>();
        var grad = Autograd.Grad(lse.Sum(), [x])[0]!.ToArray2D<double>();
        for (var r = 0; r < 2; r++)
        {
            var max = Math.Max(z[r, 0], Math.Max(z[r, 1], z[r, 2]));
            var total = Enumerable.Range(0, 3).Sum(c => Math.Exp(z[r, c] - max));
            Assert.Equal(max + Math.Log(total), values[r], 1e-12);
            for (var c = 0; c < 3; c++) Assert.Equal(Math.Exp(z[r, c] - max) / total, grad[r, c], 1e-12);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void DenseKernelGradientOfLogisticLossIsXTransposeResidualOverN(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        double[,] x = { { 0.5, -1.0, 2.0 }, { 1.5, 0.2, -0.3 }, { -0.7, 0.9, 0.1 }, { 0.0, -2.0, 1.0 } };
        double[] y = [1, 0, 1, 0];
        double[] w = [0.3, -0.2, 0.8];
        const double b = -0.1;
        const int n = 4;

        using var model = new Sequential(new Dense(1, "sigmoid", inputDim: 3)) { DType = DType.Float64, Device = device };
        model.SetWeights(new Array[] { new double[,] { { w[0] }, { w[1] }, { w[2] } }, new[] { b } });
        var dense = (Dense)model.Layers[0];

        using (var scope = new DisposeScope())
        {
            var xt = Tensor.FromArray(x, device);
            var yt = Tensor.FromArray(y, [n, 1], device);
            var loss = new BinaryCrossentropy().Call(yt, model.Call(xt));
            loss.Backward();
        }
        using var kernelGrad = dense.Kernel!.Grad!;
        using var biasGrad = dense.Bias!.Grad!;

        // Closed form: dL/dW = Xᵀ(ŷ − y)/n, dL/db = mean(ŷ − y) with ŷ = σ(Xw + b).
        var residual = new double[n];
        for (var i = 0; i < n; i++)
        {
            var z = b + x[i, 0] * w[0] + x[i, 1] * w[1] + x[i, 2] * w[2];
            residual[i] = 1 / (1 + Math.Exp(-z)) - y[i];
        }
        var expectedKernel = Enumerable.Range(0, 3).Select(j => Enumerable.Range(0, n).Sum(i => x[i, j] * residual[i]) / n);
        Assert.Equal([3L, 1L], kernelGrad.Shape);
        Assert.Equal(expectedKernel, kernelGrad.ToArray<double>(), new Tolerance(1e-12));
        Assert.Equal(residual.Average(), biasGrad.ToArray<double>()[0], 1e-12);
    }
}
