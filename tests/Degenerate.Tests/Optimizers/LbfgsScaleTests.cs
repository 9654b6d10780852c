using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Optimizers;

/// <summary>
/// Issue 14: L-BFGS at feature scales 1e±12. Its line search only accepts steps that lower the loss, so the loss
/// never rises from one epoch to the next; when no step lowers it before the gradient is small (rounding dominates),
/// it must not claim convergence: it says why it stopped (Stalled, stderr, the model's Logger), as Newton does. And a
/// gradient that is small only because the features are (1e-12) is not convergence: before, L-BFGS stopped at its
/// start there. The layer has no bias, so every parameter sees the same scale (a bias at scale 1 beside a kernel at
/// 1e-12 makes a problem of condition 1e24, which no float64 quasi-Newton method solves; standardize such features).
/// </summary>
[Collection(Serial.Name)]
public sealed class LbfgsScaleTests
{
    private static (double[,] X, double[] Y) Data(double scale)
    {
        var rng = new System.Random(11);
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
            y[i] = s + 0.1 * (rng.NextDouble() - 0.5);
        }
        return (x, y);
    }

    // The least-squares minimum of the mean squared error; scaling columns does not change the best fit, so this
    // (computed at scale 1, where Newton is exact in one step) is every scale's minimum.
    private static double MinimumLoss()
    {
        var (x, y) = Data(1);
        using var model = new Sequential(new Dense(1, useBias: false, inputDim: 3)) { DType = DType.Float64, Device = Device.CPU };
        model.Compile(new Newton(), "mse");
        model.Fit(x, y, epochs: 5, verbose: 0);
        return model.Evaluate(x, y)["loss"];
    }

    [Theory]
    [InlineData(1e12)]
    [InlineData(1e-12)]
    [InlineData(1e6)]
    [InlineData(1.0)]
    public void LbfgsNeverRaisesTheLossAndNeverClaimsAFalseConvergence(double scale)
    {
        var best = MinimumLoss();
        Degenerate.Random.Seed(3);
        var (x, y) = Data(scale);
        using var model = new Sequential(new Dense(1, useBias: false, inputDim: 3)) { DType = DType.Float64, Device = Device.CPU };
        var lbfgs = new LBFGS();
        model.Compile(lbfgs, "mse");
        var before = model.Evaluate(x, y)["loss"];
        var history = model.Fit(x, y, epochs: 200, verbose: 0);
        var after = model.Evaluate(x, y)["loss"];
        Assert.True(after <= before, $"loss rose from {before} to {after} at scale {scale}");
        for (var e = 1; e < history.Count; e++)
            Assert.True(history["loss"][e] <= history["loss"][e - 1], $"epoch {e}: {history["loss"][e - 1]} -> {history["loss"][e]}");
        // Converged means the minimum was reached; anything else must be said.
        if (lbfgs.Converged) Assert.True(after <= best * (1 + 1e-6), $"converged at loss {after}, but the minimum is {best} (scale {scale})");
        else Assert.True(lbfgs.Stalled is not null || history.Count == 200, $"stopped after {history.Count} epochs at loss {after} without a reason");
        if (lbfgs.Stalled is { } why)
        {
            Assert.Contains("no step", why);
            Assert.Contains("lowered the loss", why);
        }
        if (scale == 1.0) Assert.True(lbfgs.Converged && after <= best * (1 + 1e-9), $"scale 1: converged {lbfgs.Converged}, loss {after}, minimum {best}");
    }
}
