using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

public class SmokeTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void DenseRecoversLine(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        Degenerate.Random.Seed(1);
        var x = new float[200];
        var y = new float[200];
        for (var i = 0; i < 200; i++)
        {
            x[i] = (i - 100) / 50f;
            y[i] = 2 * x[i] + 1;
        }
        using var model = new Sequential(new Dense(1, inputDim: 1)) { Device = device };
        model.Compile(new SGD(0.1), "mse");
        var h = model.Fit(x, y, epochs: 50, verbose: 0);
        var w = model.GetWeights();
        Assert.Equal(2.0, w[0].ToArray<float>()[0], 3);
        Assert.Equal(1.0, w[1].ToArray<float>()[0], 3);
        Assert.True(h["loss"][^1] < 1e-6);
    }
}
