// "Softmax is multinomial logistic regression": a Dense(k) layer with softmax, trained on sparse categorical
// cross-entropy, is the multinomial logit model. Part 1 fits both to data with a known truth and prints the
// coefficients (in the reference-class parameterization) and standard errors next to the truth. Part 2 takes the
// Keras documentation's shape (many inputs, many classes), trains it with Adam, and shows it lands on Newton's solution.
using System.Diagnostics;
using System.Globalization;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Statistics;
using Degenerate.Tensors;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var outputFolder = ExampleOutput.Folder(args);
var failures = new List<string>();
Degenerate.Random.Seed(7);

// ---------------------------------------------------------------- part 1: a known truth
double[,] truth =
{
    // const,  x1,   x2,   x3        (class 0 is the reference: all zeros)
    { 0.5, 1.0, -0.5, 0.0 },   // class 1
    { -0.3, -0.8, 1.2, 0.4 },  // class 2
    { 0.2, 0.3, 0.6, -1.0 },   // class 3
};
const int rows = 5000;
var (x, y) = MultinomialData.Generate(truth, rows, seed: 11);
string[] features = ["x1", "x2", "x3"];
string[] classes = ["0", "1", "2", "3"];
Console.WriteLine($"Part 1: {rows} rows, 3 standard-normal features, 4 classes drawn from a known multinomial logit (class 0 = reference)");
Console.WriteLine("  class counts: " + string.Join(", ", classes.Select((c, k) => $"{c}: {y.Count(v => v == k)}")));

var clock = Stopwatch.StartNew();
var mle = Glm.Fit(x, y.Select(v => (double)v).ToArray(), Family.Multinomial,
    options: new GlmOptions { Solver = Solver.Newton, FeatureNames = features, ClassNames = classes });
var newtonSeconds = clock.Elapsed.TotalSeconds;

clock.Restart();
var (softmaxW, softmaxB, softmaxEpochs) = TrainSoftmax(x, y, classes.Length, learningRate: 0.05, epochs: 1500);
var adamSeconds = clock.Elapsed.TotalSeconds;
var adam = Identified(softmaxW, softmaxB);

// The same layer with Compile("newton"): the full-batch Newton optimizer, one epoch per Newton step.
clock.Restart();
var (newtonW, newtonB, newtonEpochs) = TrainSoftmaxNewton(x, y, classes.Length);
var layerNewtonSeconds = clock.Elapsed.TotalSeconds;
var layerNewton = Identified(newtonW, newtonB);

Console.WriteLine($"  multinomial logit by Newton: {mle.Iterations} iterations, {newtonSeconds:F2} s; " +
                  $"Dense(4, softmax) by full-batch Adam: {softmaxEpochs} epochs, {adamSeconds:F2} s; " +
                  $"the same layer with Compile(\"newton\"): {newtonEpochs} epochs, {layerNewtonSeconds:F2} s");
Console.WriteLine();
Console.WriteLine("| parameter | truth | Newton | std err | (Newton − truth)/se | Dense(4)+softmax by Adam, W[:,j] − W[:,0] | by Compile(\"newton\") |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
var equations = classes.Length - 1;
var columns = features.Length + 1;
var worstZ = 0.0;
var worstAdam = 0.0;
var worstLayerNewton = 0.0;
var plot1 = new ExamplePlot(-1.5, 1.5, -1.5, 1.5, "Multinomial logit: estimates vs the truth", "true coefficient", "estimate");
plot1.Segment(-1.5, -1.5, 1.5, 1.5, "#999999", width: 1, dash: "4 3", legend: "estimate = truth");
for (var j = 0; j < equations; j++)
{
    for (var i = 0; i < columns; i++)
    {
        var p = j * columns + i;
        var z = (mle.Params[p] - truth[j, i]) / mle.Bse[p];
        worstZ = Math.Max(worstZ, Math.Abs(z));
        worstAdam = Math.Max(worstAdam, Math.Abs(adam[j, i] - mle.Params[p]));
        worstLayerNewton = Math.Max(worstLayerNewton, Math.Abs(layerNewton[j, i] - mle.Params[p]));
        Console.WriteLine($"| {mle.ParamNames[p]} | {truth[j, i],6:F3} | {mle.Params[p],8:F4} | {mle.Bse[p],7:F4} | {z,6:F2} | {adam[j, i],8:F4} | {layerNewton[j, i],8:F4} |");
        plot1.Segment(truth[j, i], mle.Params[p] - 1.96 * mle.Bse[p], truth[j, i], mle.Params[p] + 1.96 * mle.Bse[p], "#1f77b4", width: 1.5,
            legend: "Newton ± 1.96 se");
        plot1.Point(truth[j, i], mle.Params[p], "#1f77b4", radius: 4.5, legend: "multinomial logit (Newton)");
        plot1.Point(truth[j, i], adam[j, i], "#ff7f0e", radius: 2.5, legend: "Dense(4)+softmax (Adam), identified");
    }
}
plot1.Save(Path.Combine(outputFolder, "multinomial-truth.svg"));
Console.WriteLine();
Console.WriteLine($"  largest |Newton − truth| / se: {worstZ:F2} (sampling error only: every estimate within 4 standard errors expected)");
Console.WriteLine($"  largest |softmax layer − Newton|: {worstAdam:E2} by Adam, {worstLayerNewton:E2} by Compile(\"newton\") (the same model, fitted as a network)");
Console.WriteLine($"  llf {mle.Llf:F3}, llnull {mle.LlNull:F3}, pseudo R² {mle.PseudoRSquared:F4}");
if (worstZ > 4) failures.Add($"part 1: a Newton estimate is {worstZ:F2} standard errors from the truth");
if (worstAdam > 2e-3) failures.Add($"part 1: the softmax layer is {worstAdam:E2} away from Newton's solution");
if (worstLayerNewton > 1e-6) failures.Add($"part 1: the softmax layer trained by Compile(\"newton\") is {worstLayerNewton:E2} away from Glm.Fit's solution");
Console.WriteLine();

// ---------------------------------------------------------------- part 2: the Keras documentation's shape
const int inputs = 32, outputs = 16, rows2 = 8000;
var truth2 = MultinomialData.RandomTruth(inputs, outputs, scale: 0.25, seed: 3);
var (x2, y2) = MultinomialData.Generate(truth2, rows2, seed: 5);
Console.WriteLine($"Part 2: the Keras documentation's shape, {inputs} inputs and {outputs} classes ({rows2} rows, " +
                  $"{(inputs + 1) * (outputs - 1)} identified coefficients)");
clock.Restart();
var mle2 = Glm.Fit(x2, y2.Select(v => (double)v).ToArray(), Family.Multinomial, options: new GlmOptions { Solver = Solver.Newton });
newtonSeconds = clock.Elapsed.TotalSeconds;
clock.Restart();
var (w2, b2, epochs2) = TrainSoftmax(x2, y2, outputs, learningRate: 0.02, epochs: 1500);
adamSeconds = clock.Elapsed.TotalSeconds;
var adam2 = Identified(w2, b2);
var columns2 = inputs + 1;
var maxDiff = 0.0;
var maxScaled = 0.0;
var plot2 = new ExamplePlot(-1.5, 1.5, -1.5, 1.5, $"Dense({outputs})+softmax (Adam) vs multinomial logit (Newton)", "Newton coefficient",
    "Adam coefficient, W[:,j] − W[:,0]");
plot2.Segment(-1.5, -1.5, 1.5, 1.5, "#999999", width: 1, dash: "4 3", legend: "Adam = Newton");
for (var j = 0; j < outputs - 1; j++)
{
    for (var i = 0; i < columns2; i++)
    {
        var p = j * columns2 + i;
        var diff = Math.Abs(adam2[j, i] - mle2.Params[p]);
        maxDiff = Math.Max(maxDiff, diff);
        maxScaled = Math.Max(maxScaled, diff / mle2.Bse[p]);
        plot2.Point(mle2.Params[p], adam2[j, i], "#ff7f0e", radius: 2.5, legend: $"{(inputs + 1) * (outputs - 1)} coefficients");
    }
}
plot2.Save(Path.Combine(outputFolder, "multinomial-adam-vs-newton.svg"));
Console.WriteLine($"  Newton: {mle2.Iterations} iterations, {newtonSeconds:F2} s, llf {mle2.Llf:F3}, converged: {mle2.Converged}");
Console.WriteLine($"  Adam:   {epochs2} full-batch epochs, {adamSeconds:F2} s");
Console.WriteLine($"  max |Adam − Newton| over all coefficients: {maxDiff:E2} ({maxScaled:F3} standard errors at most)");
if (maxScaled > 0.05) failures.Add($"part 2: Adam is {maxScaled:F3} standard errors from Newton's solution (want < 0.05)");
Console.WriteLine();
Console.WriteLine($"Plots: {Path.Combine(outputFolder, "multinomial-truth.svg")}, {Path.Combine(outputFolder, "multinomial-adam-vs-newton.svg")}");

foreach (var failure in failures) Console.Error.WriteLine($"error: {failure}");
return failures.Count == 0 ? 0 : 1;

// A Dense(k, softmax) layer trained on sparse categorical cross-entropy with full-batch Adam, in float64.
static (double[,] Kernel, double[] Bias, int Epochs) TrainSoftmax(double[,] x, int[] y, int classes, double learningRate, int epochs)
{
    using var model = new Sequential(new Dense(classes, "softmax", inputDim: x.GetLength(1))) { DType = DType.Float64 };
    model.Compile(new Adam(learningRate), "sparse_categorical_crossentropy");
    var history = model.Fit(x, y, epochs: epochs, batchSize: y.Length, shuffle: false, verbose: 0);
    var weights = model.GetWeights();
    var result = (weights[0].ToArray2D<double>(), weights[1].ToArray<double>(), history.Count);
    foreach (var w in weights) w.Dispose();
    return result;
}

// The same layer trained by the full-batch Newton optimizer (each epoch one Newton step; Fit stops once converged).
static (double[,] Kernel, double[] Bias, int Epochs) TrainSoftmaxNewton(double[,] x, int[] y, int classes)
{
    using var model = new Sequential(new Dense(classes, "softmax", inputDim: x.GetLength(1)));
    model.Compile(new Newton(), "sparse_categorical_crossentropy");
    var history = model.Fit(x, y, epochs: 50, verbose: 0);
    var weights = model.GetWeights();
    var result = (weights[0].ToArray2D<double>(), weights[1].ToArray<double>(), history.Count);
    foreach (var w in weights) w.Dispose();
    return result;
}

// Softmax is unchanged when one vector is added to every column, so only differences are identified: W[:,j] − W[:,0]
// (and the same for the bias) is the multinomial logit's coefficient vector for class j, as [class − 1, (const, features...)].
static double[,] Identified(double[,] kernel, double[] bias)
{
    var features = kernel.GetLength(0);
    var classes = kernel.GetLength(1);
    var result = new double[classes - 1, features + 1];
    for (var j = 1; j < classes; j++)
    {
        result[j - 1, 0] = bias[j] - bias[0];
        for (var i = 0; i < features; i++) result[j - 1, i + 1] = kernel[i, j] - kernel[i, 0];
    }
    return result;
}
