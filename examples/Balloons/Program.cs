// The balloon article ("Linear and Logistic Regressions as Degenerate Neural Networks in Keras"), reproduced:
// the same generated data, the same four models (two regressions that are degenerate one-layer networks, two small
// networks), trained with a validation split and early stopping, and a side-by-side table of the results.
using System.Globalization;
using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Plotting;
using Degenerate.Tensors;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var outputFolder = ExampleOutput.Folder(args);
const int rows = 20_000;
const int seed = 42;
var (x, balloons, color) = BalloonData.Generate(rows, seed);
Degenerate.Random.Seed(seed);

Console.WriteLine($"Balloons: {rows} people (features: relationship, children, age), last 20% held out for validation");
Console.WriteLine($"libtorch {Engine.TorchVersion}, device {Device.Default}");
Console.WriteLine();

var results = new List<Row>
{
    Train(outputFolder, "linear regression", "num_balloons", x, balloons, "mse", new Dense(1, inputDim: 3)),
    Train(outputFolder, "neural network", "num_balloons", x, balloons, "mse",
        new Dense(16, "relu", inputDim: 3), new Dense(16, "relu"), new Dense(1)),
    Train(outputFolder, "logistic regression", "color", x, color, "binary_crossentropy", new Dense(1, "sigmoid", inputDim: 3)),
    Train(outputFolder, "neural network", "color", x, color, "binary_crossentropy",
        new Dense(16, "relu", inputDim: 3), new Dense(16, "relu"), new Dense(1, "sigmoid")),
};

// References computed on the same training rows: the closed-form least-squares solution for the linear model, and
// the maximum-likelihood logistic regression (Newton's method) for the logistic one.
var trainRows = (int)Math.Floor(rows * 0.8);
var leastSquares = Reference.LeastSquares(x, balloons, trainRows);
var logisticMle = Reference.LogisticMle(x, color, trainRows);

Console.WriteLine();
Console.WriteLine("| output | model | epochs | val_loss | weights: relationship, children, age | bias |");
Console.WriteLine("|---|---|---:|---:|---|---:|");
foreach (var r in results)
{
    var w = r.Weights is { } k ? $"{k[0],8:F4}, {k[1],8:F4}, {k[2],8:F4}" : "(hidden layers)";
    var b = r.Bias is { } bias ? $"{bias,8:F4}" : "";
    Console.WriteLine($"| {r.Output} | {r.Model} | {r.Epochs} | {r.ValLoss:F6} | {w} | {b} |");
    if (r.Model == "linear regression")
        Console.WriteLine($"| {r.Output} | closed-form least squares | | {Reference.MeanSquaredError(x, balloons, leastSquares, trainRows):F6} | {leastSquares[0],8:F4}, {leastSquares[1],8:F4}, {leastSquares[2],8:F4} | {leastSquares[3],8:F4} |");
    if (r.Model == "logistic regression")
        Console.WriteLine($"| {r.Output} | maximum likelihood (Newton) | | {Reference.BinaryCrossentropy(x, color, logisticMle, trainRows):F6} | {logisticMle[0],8:F4}, {logisticMle[1],8:F4}, {logisticMle[2],8:F4} | {logisticMle[3],8:F4} |");
}

Console.WriteLine();
var linear = results[0];
var logistic = results[2];
Console.WriteLine("What the numbers say:");
Console.WriteLine($"- The networks beat the regressions on validation loss: {results[1].ValLoss:F6} vs {results[0].ValLoss:F6} " +
                  $"(balloons), {results[3].ValLoss:F6} vs {results[2].ValLoss:F6} (colour): the generator is not linear.");
Console.WriteLine($"- Linear regression finds children {linear.Weights![1]:F3} and age {linear.Weights[2]:F3}: the averages of the two " +
                  "generating rules, (1.0 + 0.8)/2 = 0.9 and (-0.2 + 0.5)/2 = 0.15; relationship and bias are ~0 by symmetry.");
Console.WriteLine("  The article prints 0.435 and 0.142 (and computes (1.0 + 0.8)/2 as 0.45): those do not follow from its own");
Console.WriteLine("  stated generator, which gives about 0.9 and 0.15, as above.");
Console.WriteLine($"- Logistic regression's children/age ratio is {logistic.Weights![1] / logistic.Weights[2]:F3}; the article expects about " +
                  $"(0.8 + 0.5)/(0.2 + 0.5) = {1.3 / 0.7:F3} (it reports 1.635). Large weights push the sigmoid towards 0 and 1.");

var beatBoth = results[1].ValLoss < results[0].ValLoss && results[3].ValLoss < results[2].ValLoss;
if (!beatBoth)
{
    Console.Error.WriteLine("error: a neural network did not beat its regression on validation loss");
    return 1;
}
return 0;

static Row Train(string folder, string name, string output, double[,] x, double[] y, string loss, params Layer[] layers)
{
    Console.WriteLine($"======= Output type: {output} Model type: {name}");
    using var model = new Sequential(layers);
    model.Compile(new Adam(learningRate: 0.01), loss);
    var stop = new EarlyStopping(monitor: "val_loss", patience: 5, minDelta: 1e-6, restoreBestWeights: true);
    var history = model.Fit(x, y, epochs: 200, batchSize: 32, validationSplit: 0.2, callbacks: [stop], verbose: 2);
    var valLoss = history["val_loss"][stop.BestEpoch];
    var picture = history.SavePlot(Path.Combine(folder, $"{output}-{name.Replace(' ', '-')}.png"), title: $"{output}: {name}");
    Console.WriteLine($"Loss curves: {picture}");
    double[]? kernel = null;
    double? bias = null;
    if (model.Layers.Count == 1)
    {
        var w = model.GetWeights();
        kernel = w[0].ToArray<double>();
        bias = w[1].ToArray<double>()[0];
        foreach (var t in w) t.Dispose();
    }
    return new Row(output, name, history.Count, valLoss, kernel, bias);
}

internal sealed record Row(string Output, string Model, int Epochs, double ValLoss, double[]? Weights, double? Bias);
