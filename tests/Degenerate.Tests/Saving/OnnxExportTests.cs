using Degenerate.Activations;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;
using Microsoft.ML.OnnxRuntime;
using DenseTensorF = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;

namespace Degenerate.Tests.Saving;

/// <summary>
/// <c>ExportOnnx</c> writes a graph that ONNX Runtime (an independent implementation) loads and runs to Predict's
/// numbers within 1e-6, for every activation the library has and any batch size.
/// </summary>
[Collection(Serial.Name)] // seeds the global generator
public sealed class OnnxExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[,] Inputs(int rows, int cols, double phase)
    {
        var x = new float[rows, cols];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++) x[i, j] = (float)(1.5 * Math.Sin(i * 0.83 + j * 1.7 + phase));
        return x;
    }

    private static float[] RunOnnx(string path, float[,] x)
    {
        using var session = new InferenceSession(path);
        Assert.Equal("input", session.InputMetadata.Keys.Single());
        Assert.Equal("output", session.OutputMetadata.Keys.Single());
        Assert.Equal(-1, session.InputMetadata["input"].Dimensions[0]);  // symbolic batch
        var input = new DenseTensorF(x.Cast<float>().ToArray(), [x.GetLength(0), x.GetLength(1)]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        return results.Single().AsEnumerable<float>().ToArray();
    }

    private void AssertSameAsPredict(Sequential model, int inputs)
    {
        var path = Path.Combine(_dir, model.Name + ".onnx");
        model.ExportOnnx(path);
        foreach (var rows in new[] { 1, 13 })
        {
            var x = Inputs(rows, inputs, rows);
            using var expected = model.Predict(x);
            var actual = RunOnnx(path, x);
            Assert.Equal(expected.ToArray<double>(), actual.Select(v => (double)v), new Tolerance(1e-6));
        }
    }

    private static void Train(Sequential model, int inputs, int outputs)
    {
        var x = Inputs(40, inputs, 0.3);
        var y = new float[40, outputs];
        for (var i = 0; i < 40; i++) y[i, i % outputs] = 1;
        model.Fit(x, y, epochs: 3, batchSize: 8, verbose: 0);
    }

    [Fact]
    public void A_trained_classifier_with_every_common_activation_runs_in_ONNX_Runtime_as_in_Predict()
    {
        Degenerate.Random.Seed(3);
        using var model = new Sequential(new Dense(8, "relu", inputDim: 5), new Dropout(0.3), new Dense(8, "tanh"),
            new Dense(8, "sigmoid"), new Dense(8, "elu"), new Dense(8, "gelu"), new Dense(8, "softplus", useBias: false),
            new Activation("linear"), new Dense(4), new Activation("softmax")) { Name = "classifier" };
        model.Compile("adam", "categorical_crossentropy");
        Train(model, 5, 4);
        AssertSameAsPredict(model, 5);
    }

    [Fact]
    public void Exponential_inverse_and_an_elu_with_its_own_alpha_export_too()
    {
        Degenerate.Random.Seed(4);
        using var model = new Sequential(new Dense(6, new Elu(0.4), inputDim: 3), new Dense(3, "exponential"),
            new Activation("inverse"), new Dense(2)) { Name = "odd" };
        model.Compile("sgd", "mse");
        AssertSameAsPredict(model, 3);
    }

    [Fact]
    public void Normalization_layers_and_the_other_Keras_activations_export_too()
    {
        Degenerate.Random.Seed(6);
        var normalization = new Normalization();
        normalization.Adapt(Inputs(40, 5, 0.3));
        using var model = new Sequential(new Input(5), normalization, new Dense(8, "leaky_relu"), new BatchNormalization(),
            new Dense(8, "relu6"), new LayerNormalization(), new Dense(8, "selu"), new GaussianNoise(0.2), new Dense(8, "silu"),
            new Dense(8, "softsign"), new Dense(8, "hard_sigmoid"), new Dense(8, new LeakyRelu(0.05)), new Dense(8, "hard_silu"),
            new Dense(8, "mish"), new Flatten(), new Dense(4, "log_softmax")) { Name = "keras3" };
        model.Compile("adam", "mse");
        Train(model, 5, 4);  // moves BatchNormalization's moving statistics away from 0 and 1
        var bn = model.Layers.OfType<BatchNormalization>().Single();
        Assert.NotEqual(0.0, bn.Weights[2].ToArray<double>()[0]);
        AssertSameAsPredict(model, 5);

        // An inverted Normalization with given statistics, and the GLM links probit and cloglog.
        using var glm = new Sequential(new Normalization(mean: [0.5, -1.0, 2.0], variance: [4.0, 0.25, 1.0], invert: true),
            new Dense(3, "probit"), new Dense(2, "cloglog")) { Name = "links" };
        glm.Build(3);
        AssertSameAsPredict(glm, 3);
    }

    private sealed class Cube : ActivationFunction
    {
        public override string Name => "cube";

        public override Tensor Apply(Tensor x) => x * x * x;
    }

    [Fact]
    public void An_activation_without_an_ONNX_form_is_refused_by_name()
    {
        using var model = new Sequential(new Dense(2, inputDim: 3), new Dense(1, new Cube()));
        var path = Path.Combine(_dir, "cube.onnx");
        var e = Assert.Throws<NotSupportedException>(() => model.ExportOnnx(path));
        Assert.Contains("'cube'", e.Message);
        Assert.Contains("dense_1", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void An_unbuilt_model_cannot_be_exported()
    {
        using var model = new Sequential(new Dense(2));
        var e = Assert.Throws<InvalidOperationException>(() => model.ExportOnnx(Path.Combine(_dir, "x.onnx")));
        Assert.Contains("not built", e.Message);
    }
}
