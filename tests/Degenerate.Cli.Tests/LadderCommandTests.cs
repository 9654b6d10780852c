using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Degenerate.Cli.Tests;

/// <summary><c>degenerate ladder</c>: the GLM, the same layer trained by Adam, and a small network on one split.</summary>
public sealed class LadderCommandTests
{
    private static string[][] TableRows(string stdout) =>
        stdout.Split('\n').Where(l => l.StartsWith("| ") && !l.StartsWith("| model")).Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToArray();

    private static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    [Fact]
    public void GaussianLadderScoresTheGlmLikeLeastSquaresAndTheNetworkBeatsIt()
    {
        var path = Cli.Fixture("ladder.csv");
        var run = Cli.Run("ladder", path, "--target", "y", "--hidden", "16,16", "--epochs", "150", "--patience", "10");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var rows = TableRows(run.Stdout);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("GLM (gaussian, identity link)", rows[0][1]);
        Assert.StartsWith("Dense(1 linear)", rows[1][1]);
        Assert.StartsWith("Dense(16 relu)-Dense(16 relu)-Dense(1 linear)", rows[2][1]);

        // Independent reference: least squares on the first 80% of rows (MathNet's QR), scored by mean squared
        // error on the last 20%.
        var (a, y) = GlmCommandTests.ReadColumns(path, "a", "y");
        var (b, _) = GlmCommandTests.ReadColumns(path, "b", "y");
        var split = (int)Math.Floor(y.Length * 0.8);
        var design = Matrix<double>.Build.Dense(split, 3, (i, j) => j == 0 ? 1 : j == 1 ? a[i] : b[i]);
        var beta = design.QR().Solve(Vector<double>.Build.Dense(y[..split]));
        var mse = Enumerable.Range(split, y.Length - split).Average(i => Math.Pow(y[i] - (beta[0] + beta[1] * a[i] + beta[2] * b[i]), 2));

        Assert.Equal(mse, Number(rows[0][4]), 5);
        var weights = rows[0][5].Split(',').Select(s => Number(s.Trim())).ToArray();
        // The table prints 4 decimals.
        Assert.InRange(weights[0] - beta[1], -6e-5, 6e-5);
        Assert.InRange(weights[1] - beta[2], -6e-5, 6e-5);
        Assert.InRange(Number(rows[0][6]) - beta[0], -6e-5, 6e-5);
        // The target is sin(3a) + b²: the network must beat the straight line on held-out rows.
        Assert.True(Number(rows[2][4]) < 0.5 * Number(rows[0][4]), run.Stdout);
    }

    [Fact]
    public void BinomialLadderScoresTheGlmByCrossEntropyOfItsOwnFit()
    {
        var path = Cli.Fixture("binomial.csv");
        var run = Cli.Run("ladder", path, "--target", "y", "--family", "binomial", "--hidden", "8", "--epochs", "30");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var rows = TableRows(run.Stdout);
        Assert.StartsWith("GLM (binomial, logit link)", rows[0][1]);

        // Independent reference: logistic regression by Newton's method (MathNet) on the first 80% of the rows,
        // scored by mean binary cross-entropy on the rest.
        var (x1, y) = GlmCommandTests.ReadColumns(path, "x1", "y");
        var (x2, _) = GlmCommandTests.ReadColumns(path, "x2", "y");
        var split = (int)Math.Floor(y.Length * 0.8);
        var design = Matrix<double>.Build.Dense(split, 3, (i, j) => j == 0 ? 1 : j == 1 ? x1[i] : x2[i]);
        var target = Vector<double>.Build.Dense(y[..split]);
        var beta = Vector<double>.Build.Dense(3);
        for (var iteration = 0; iteration < 50; iteration++)
        {
            var p = (design * beta).Map(z => 1 / (1 + Math.Exp(-z)));
            var weights = Matrix<double>.Build.Diagonal(p.Map(v => v * (1 - v)).ToArray());
            var step = (design.Transpose() * weights * design).Solve(design.Transpose() * (target - p));
            beta += step;
            if (step.AbsoluteMaximum() < 1e-12) break;
        }
        var loss = Enumerable.Range(split, y.Length - split).Average(i =>
        {
            var p = 1 / (1 + Math.Exp(-(beta[0] + beta[1] * x1[i] + beta[2] * x2[i])));
            return -(y[i] * Math.Log(p) + (1 - y[i]) * Math.Log(1 - p));
        });
        Assert.Equal(loss, Number(rows[0][4]), 5);
        var coefficients = rows[0][5].Split(',').Select(c => Number(c.Trim())).ToArray();
        Assert.InRange(coefficients[0] - beta[1], -6e-5, 6e-5);
        Assert.InRange(coefficients[1] - beta[2], -6e-5, 6e-5);
        Assert.InRange(Number(rows[0][6]) - beta[0], -6e-5, 6e-5);
    }

    [Fact]
    public void MultinomialLadderReportsWeightsRelativeToTheReferenceClass()
    {
        var run = Cli.Run("ladder", Cli.Fixture("multinomial.csv"), "--target", "fruit", "--family", "multinomial",
            "--hidden", "8", "--epochs", "40", "--shuffle");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("classes: apple, banana, cherry (weights are relative to the reference class 'apple')", run.Stdout);
        var rows = TableRows(run.Stdout);
        Assert.Equal(3, rows.Length);
        Assert.Contains("sparse_categorical_crossentropy", run.Stdout);
        // Two non-reference classes: two groups of two weights, and two intercepts.
        Assert.Equal(2, rows[0][5].Split(';').Length);
        Assert.Equal(2, rows[0][6].Split(';').Length);
        Assert.Equal(2, rows[1][6].Split(';').Length);
        // Cross-entropy of 3 classes is positive and far below log(3) only if something was learned; the GLM and
        // the one-layer network are the same model, fitted two ways, so their validation losses are close.
        Assert.InRange(Number(rows[0][4]), 0.01, Math.Log(3));
        Assert.InRange(Number(rows[1][4]), 0.9 * Number(rows[0][4]), 1.1 * Number(rows[0][4]));
    }

    [Fact]
    public void LinkWithoutAnActivationIsRefused()
    {
        var run = Cli.Run("ladder", Cli.Fixture("gamma.csv"), "--target", "y", "--family", "gamma", "--link", "inverse");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--link: the ladder fits gamma with the log link", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void SplitLeavingTooFewTrainingRowsIsRefused()
    {
        using var csv = new TempCsv("a,b,y\n1,2,3\n4,5,7\n2,2,2\n0,1,1\n");
        var run = Cli.Run("ladder", csv.Path, "--target", "y", "--validation-split", "0.5");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("need at least 3 training rows", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void ANetworkTooLargeForTheMachineIsRefusedBeforeAnyFit()
    {
        var run = Cli.Run("ladder", Cli.Fixture("multinomial.csv"), "--target", "fruit", "--family", "multinomial",
            "--hidden", "2000000000");
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("--hidden 2000000000: the network would have", line);
        Assert.Contains("GiB", line);
        Assert.Contains("choose smaller layers", line);
        Assert.Empty(run.Stdout.Trim());
    }
}
