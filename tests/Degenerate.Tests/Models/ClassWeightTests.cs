using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

public class ClassWeightTests
{
    private static readonly double[] X = [-1, 0.5, 2, 3];
    private static readonly double[] Y = [0, 1, 0, 1];
    private const double W0 = 0.5, Lr = 0.1;

    private static Sequential Logistic(bool eager)
    {
        var model = new Sequential(new Dense(1, "sigmoid", inputDim: 1)) { DType = DType.Float64, Device = Device.CPU, RunEagerly = eager };
        model.SetWeights(new Array[] { new[,] { { W0 } }, new[] { 0.0 } });
        model.Compile(new SGD(Lr), "binary_crossentropy");
        return model;
    }

    // Hand-computed Keras sum_over_batch_size: sum(w_i·l_i)/n at the start weights, and one SGD step on it.
    private static (double Loss, double Kernel, double Bias) Reference(double[] rowWeights)
    {
        var n = X.Length;
        double loss = 0, gk = 0, gb = 0;
        for (var i = 0; i < n; i++)
        {
            var p = 1 / (1 + Math.Exp(-W0 * X[i]));
            loss += rowWeights[i] * -(Y[i] * Math.Log(p) + (1 - Y[i]) * Math.Log(1 - p));
            gk += rowWeights[i] * (p - Y[i]) * X[i];
            gb += rowWeights[i] * (p - Y[i]);
        }
        return (loss / n, W0 - Lr * gk / n, -Lr * gb / n);
    }

    [Theory]
    [InlineData(false)] // the fused training plan
    [InlineData(true)]  // op by op
    public void ClassWeightsMultiplyEachRowsLossAndSampleWeights(bool eager)
    {
        var classWeight = new Dictionary<int, double> { [0] = 1.0, [1] = 3.0 };
        double[] sampleWeight = [1, 2, 0.5, 1];
        foreach (var sw in new[] { null, sampleWeight })
        {
            var rows = Y.Select((y, i) => classWeight[(int)y] * (sw?[i] ?? 1)).ToArray();
            var (loss, kernel, bias) = Reference(rows);
            using var model = Logistic(eager);
            var h = model.Fit(X, Y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0, sampleWeight: sw is null ? (Data?)null : sw, classWeight: classWeight);
            Assert.Equal(loss, h["loss"][0], 10);
            var w = model.GetWeights();
            try
            {
                Assert.Equal(kernel, w[0].ToArray<double>()[0], 10);
                Assert.Equal(bias, w[1].ToArray<double>()[0], 10);
            }
            finally { foreach (var t in w) t.Dispose(); }
        }
    }

    [Fact]
    public void MissingClassesWeighOneAndOneHotRowsUseTheirArgmax()
    {
        // Softmax over 3 classes with one-hot targets: class 2 weighs 4, classes 0 and 1 (absent) weigh 1. Compare with
        // the same fit given the equivalent sample weights.
        double[,] x = { { 1, 0 }, { 0, 1 }, { 1, 1 } };
        double[,] y = { { 1, 0, 0 }, { 0, 0, 1 }, { 0, 1, 0 } };
        History Run(bool useClassWeight)
        {
            using var model = new Sequential(new Dense(3, "softmax", inputDim: 2, kernelInitializer: new Degenerate.Initializers.Constant(0.1)))
            { DType = DType.Float64, Device = Device.CPU };
            model.Compile(new SGD(0.1), "categorical_crossentropy");
            return useClassWeight
                ? model.Fit(x, y, epochs: 3, shuffle: false, verbose: 0, classWeight: new Dictionary<int, double> { [2] = 4 })
                : model.Fit(x, y, epochs: 3, shuffle: false, verbose: 0, sampleWeight: new double[] { 1, 4, 1 });
        }
        Assert.Equal(Run(false)["loss"], Run(true)["loss"]);
    }

    [Fact]
    public void ClassesOutsideTheModelsOutputsAreRefused()
    {
        using var model = Logistic(false);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(X, Y, verbose: 0, classWeight: new Dictionary<int, double> { [2] = 1 }));
        Assert.Equal("classWeight", e.ParamName);
        Assert.Contains("class 2", e.Message);
        Assert.Contains("0 to 1", e.Message);
        var negative = Assert.Throws<ArgumentException>(() => model.Fit(X, Y, verbose: 0, classWeight: new Dictionary<int, double> { [0] = -1 }));
        Assert.Contains(">= 0", negative.Message);
    }
}
