// "Logistic Regression as the Smallest Possible Neural Network", reproduced: the article's four points, one sigmoid
// neuron trained by the article's delta rule (as Keras-style SGD on binary cross-entropy, one example at a time),
// and the logistic regression fitted by maximum likelihood on the same points. Both separate the classes; the
// regression's coefficients run off to infinity, which the GLM reports as perfect separation.
using System.Diagnostics;
using System.Globalization;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Statistics;
using Degenerate.Tensors;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// The article's table: output 1 exactly when input 1 is 0.
double[,] x = { { 1, 0 }, { 0, 0 }, { 1, 1 }, { 0, 1 } };
double[] y = { 0, 1, 0, 1 };
const double eta = 0.7;
const int epochs = 100_000;
double[] initial = { 0.2, 0.2, 0.2 }; // the article's "random" start: w1 = w2 = bias = 0.2

Console.WriteLine("The article's four points:");
Console.WriteLine("| input 1 | input 2 | output |");
Console.WriteLine("|---:|---:|---:|");
for (var i = 0; i < 4; i++) Console.WriteLine($"| {x[i, 0]} | {x[i, 1]} | {y[i]} |");
Console.WriteLine();

// The neuron: Dense(1, sigmoid) in float64. For one example, binary cross-entropy's gradient with respect to the
// weights is (σ(x·w) − y)·x, so SGD(0.7) makes w ← w + 0.7·(y − σ(x·w))·x: the article's update, bias input 1
// included. With batch size 1, Keras's mean over the batch is that one example's loss.
using var neuron = new Sequential(new Dense(1, "sigmoid", inputDim: 2)) { DType = DType.Float64 };
neuron.SetWeights(new Array[] { new[,] { { initial[0] }, { initial[1] } }, new[] { initial[2] } });
neuron.Compile(new SGD(learningRate: eta), "binary_crossentropy");
var clock = Stopwatch.StartNew();
neuron.Fit(x, y, epochs: epochs, batchSize: 1, shuffle: false, verbose: 0);
clock.Stop();
var trained = neuron.GetWeights();
var kernel = trained[0].ToArray<double>();
var w = new[] { kernel[0], kernel[1], trained[1].ToArray<double>()[0] };
foreach (var t in trained) t.Dispose();
using var neuronOutput = neuron.Predict(x);
var neuronProbabilities = neuronOutput.ToArray<double>();

// The article's R loop, line for line in plain doubles: the independent check that Fit did exactly that.
var reference = (double[])initial.Clone();
for (var epoch = 0; epoch < epochs; epoch++)
{
    for (var i = 0; i < 4; i++)
    {
        var input = new[] { x[i, 0], x[i, 1], 1.0 };
        var output = 1 / (1 + Math.Exp(-(input[0] * reference[0] + input[1] * reference[1] + input[2] * reference[2])));
        for (var j = 0; j < 3; j++) reference[j] += eta * (y[i] - output) * input[j];
    }
}
var loopDifference = w.Zip(reference, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(b))).Max();

Console.WriteLine($"Neuron: Dense(1, sigmoid), SGD({eta}) on binary cross-entropy, batch size 1, no shuffling, " +
                  $"{epochs:N0} epochs = {4 * epochs:N0} steps ({clock.Elapsed.TotalSeconds:F1} s)");
Console.WriteLine($"  weights (input 1, input 2, bias):   {Format(w)}");
Console.WriteLine($"  the article's loop in plain C#:     {Format(reference)}   (max relative difference {loopDifference:E1})");
Console.WriteLine($"  probabilities: {Format(neuronProbabilities)}");
Console.WriteLine($"  rounded:       {string.Join(" ", neuronProbabilities.Select(p => Math.Round(p)))}");
Console.WriteLine();

// The logistic regression on the same points, by Newton's method (maximum likelihood).
var logreg = Glm.Fit(x, y, Family.Binomial, options: new GlmOptions { FeatureNames = ["input1", "input2"] });
var coefficient = logreg.ParamNames.Select((name, i) => (name, value: logreg.Params[i])).ToDictionary(p => p.name, p => p.value);
var beta = new[] { coefficient["input1"], coefficient["input2"], coefficient["const"] };
var logregProbabilities = Enumerable.Range(0, 4)
    .Select(i => 1 / (1 + Math.Exp(-(x[i, 0] * beta[0] + x[i, 1] * beta[1] + beta[2])))).ToArray();
Console.WriteLine($"Logistic regression: Glm.Fit(Binomial), {logreg.Iterations} Newton iterations, converged: {logreg.Converged}");
Console.WriteLine($"  coefficients (input1, input2, const): {Format(beta)}");
Console.WriteLine($"  probabilities: {Format(logregProbabilities)}");
Console.WriteLine($"  rounded:       {string.Join(" ", logregProbabilities.Select(p => Math.Round(p)))}");
Console.WriteLine("  diagnosis:");
foreach (var warning in logreg.Warnings) Console.WriteLine($"    - {warning}");
if (logreg.Warnings.Count == 0) Console.WriteLine("    (none)");
Console.WriteLine();

// How well each line separates: the smallest distance from a point to the line (0.5 is the most possible here).
var neuronMargin = Margin(w);
var logregMargin = Margin(beta);
Console.WriteLine($"Separating lines (w1·input1 + w2·input2 + bias = 0), smallest distance to a point:");
Console.WriteLine($"  neuron:              {neuronMargin:F4}   (input 2 = {-w[0] / w[1]:F3}·input 1 {(-w[2] / w[1] < 0 ? "−" : "+")} {Math.Abs(w[2] / w[1]):F3})");
Console.WriteLine($"  logistic regression: {logregMargin:F4}   (nearly vertical: input 1 = {-beta[2] / beta[0]:F3})");
Console.WriteLine("  The regression's line separates the groups a little better than the neuron's, as the article says; its");
Console.WriteLine("  coefficients grow without bound because the likelihood has no maximum on separated data.");

var plot = new ExamplePlot(-0.5, 1.5, -0.5, 1.5, "Logistic regression as the smallest neural network", "input 1", "input 2");
plot.LineWhere(w[0], w[1], w[2], "#777777", legend: "neuron (delta rule, 400,000 steps)");
plot.LineWhere(beta[0], beta[1], beta[2], "black", dash: "7 4", legend: "logistic regression (Newton)");
for (var i = 0; i < 4; i++)
    plot.Point(x[i, 0], x[i, 1], y[i] == 1 ? "#2ca02c" : "#d62728", legend: y[i] == 1 ? "output 1" : "output 0");
var svgPath = Path.Combine(ExampleOutput.Folder(args), "smallest-neural-network.svg");
plot.Save(svgPath);
Console.WriteLine();
Console.WriteLine($"Plot: {svgPath}");

// The claims, checked: both classify the four points as the article's table does, Fit ran the article's loop,
// the GLM diagnosed the separation, and its line is at least as good a separator.
var failures = new List<string>();
if (!neuronProbabilities.Select(p => Math.Round(p)).SequenceEqual(y)) failures.Add("the neuron's rounded predictions are not 0 1 0 1");
if (!logregProbabilities.Select(p => Math.Round(p)).SequenceEqual(y)) failures.Add("the logistic regression's rounded predictions are not 0 1 0 1");
if (loopDifference > 1e-6) failures.Add($"Fit's weights differ from the article's loop by {loopDifference:E2}");
if (logreg.Warnings.Count == 0) failures.Add("the GLM reported no separation warning");
if (logregMargin < neuronMargin) failures.Add("the logistic regression's line separates worse than the neuron's");
foreach (var failure in failures) Console.Error.WriteLine($"error: {failure}");
return failures.Count == 0 ? 0 : 1;

static string Format(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F4").PadLeft(9)));

static double Margin(double[] line) =>
    new[] { (1.0, 0.0), (0.0, 0.0), (1.0, 1.0), (0.0, 1.0) }
        .Min(p => Math.Abs(line[0] * p.Item1 + line[1] * p.Item2 + line[2])) / Math.Sqrt(line[0] * line[0] + line[1] * line[1]);
