using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Optimizers;

/// <summary>
/// Issue 14: Newton on a Dense layer with features scaled by 1e12 once raised the loss from 2.9e11 to 2.3e23 without a
/// word. A Newton iteration now never leaves the loss higher than it found it: it halves the step, and when even a
/// tiny step raises the loss it undoes it, stops Fit and says why (Stalled, stderr, the model's Logger).
/// </summary>
[Collection(Serial.Name)]
public sealed class NewtonScaleTests
{
    private static (double[,] X, double[] Y) Data(double scale)
    {
        var rng = new System.Random(7);
        const int n = 60;
        var x = new double[n, 3];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            double s = 0;
            for (var j = 0; j < 3; j++)
            {
                var v = rng.NextDouble() * 2 - 1;
                x[i, j] = v * scale;
                s += (j + 1) * v;
            }
            y[i] = 3 + s + 0.1 * (rng.NextDouble() - 0.5);
        }
        return (x, y);
    }

    [Theory]
    [InlineData(1e12)]
    [InlineData(1e-12)]
    [InlineData(1.0)]
    public void NewtonNeverRaisesTheLoss(double scale)
    {
        Degenerate.Random.Seed(3);
        var (x, y) = Data(scale);
        using var model = new Sequential(new Dense(1, inputDim: 3)) { DType = DType.Float64, Device = Device.CPU };
        var newton = new Newton();
        model.Compile(newton, "mse");
        var before = model.Evaluate(x, y)["loss"];
        var history = model.Fit(x, y, epochs: 20, verbose: 0);
        var after = model.Evaluate(x, y)["loss"];
        Assert.True(after <= before * (1 + 1e-12), $"loss rose from {before} to {after} at scale {scale}");
        for (var e = 1; e < history.Count; e++)
            Assert.True(history["loss"][e] <= history["loss"][e - 1] * (1 + 1e-12), $"epoch {e}: {history["loss"][e - 1]} -> {history["loss"][e]}");
        // It either converged or said why it stopped.
        Assert.True(newton.Converged || newton.Stalled is not null || history.Count == 20);
        if (newton.Stalled is { } why) Assert.Contains("loss rose", why);
    }
}
