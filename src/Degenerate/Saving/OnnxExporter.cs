using Degenerate.Activations;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Saving;

/// <summary>
/// Exports a built Sequential as an ONNX model (what Keras 3's <c>model.export(path, format="onnx")</c> gives a
/// Python user): input "input" [batch, in] float32, output "output" [batch, out] float32, the batch dimension
/// symbolic. Inference only: Dropout is the identity, as in <c>Predict</c>.
/// </summary>
internal static class OnnxExporter
{
    public static void Export(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        model.ThrowIfDisposed();
        if (!model.Built || model.InputDim is not { } inputDim)
            throw new InvalidOperationException(
                $"cannot export model '{model.Name}' to ONNX: it is not built (give the first layer an inputDim, or Fit/Build it first)");

        var graph = new OnnxGraph();
        var value = OnnxGraph.InputName;
        foreach (var layer in model.Layers) value = AddLayer(graph, layer, value);
        var bytes = graph.ToModel(model.Name, inputDim, value, model.OutputDim,
            $"{model.Name}: {string.Join(" → ", model.Layers.Select(l => l.ClassName))}, exported by Degenerate");

        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            // The operating system names the temporary file; the user needs the path they gave.
            throw new UnauthorizedAccessException($"cannot export to '{path}': no permission to write it or to create files in folder '{Path.GetDirectoryName(full)}'; an existing file there is unchanged", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static string AddLayer(OnnxGraph graph, Layer layer, string x)
    {
        var name = layer.Name ?? layer.BaseName;
        switch (layer)
        {
            case Dense dense:
                var kernel = graph.Initializer($"{name}/kernel", Floats(dense.Kernel!), dense.Kernel!.Shape);
                var y = graph.Node("MatMul", name, [x, kernel]);
                if (dense.Bias is { } bias)
                    y = graph.Node("Add", name, [y, graph.Initializer($"{name}/bias", Floats(bias), bias.Shape)]);
                return dense.Activation is null ? y : OnnxActivations.Add(graph, dense.Activation, name, y);
            case Activation activation:
                return OnnxActivations.Add(graph, activation.Function, name, x);
            case Dropout or GaussianNoise or Input or Flatten:
                return x;  // inference: the identity (Flatten of a [batch, features] input changes nothing)
            case BatchNormalization bn:
            {
                // Inference form, ONNX's BatchNormalization: (x − moving_mean)/√(moving_variance + ε)·γ + β.
                var width = bn.Weights[^1].Shape;
                var gamma = bn.Scale ? Floats(bn.Weights[0]) : Ones(width[0], 1f);
                var beta = bn.Center ? Floats(bn.Weights[bn.Scale ? 1 : 0]) : Ones(width[0], 0f);
                return graph.Node("BatchNormalization", name,
                [
                    x, graph.Initializer($"{name}/gamma", gamma, width), graph.Initializer($"{name}/beta", beta, width),
                    graph.Initializer($"{name}/moving_mean", Floats(bn.Weights[^2]), width),
                    graph.Initializer($"{name}/moving_variance", Floats(bn.Weights[^1]), width),
                ], [("epsilon", null, (float)bn.Epsilon)]);
            }
            case LayerNormalization ln:
            {
                var features = ln.InputDim!.Value;
                var gamma = ln.Scale ? Floats(ln.Weights[0]) : Ones(features, 1f);
                var beta = ln.Center ? Floats(ln.Weights[ln.Scale ? 1 : 0]) : Ones(features, 0f);
                return graph.Node("LayerNormalization", name,
                [
                    x, graph.Initializer($"{name}/gamma", gamma, [features]), graph.Initializer($"{name}/beta", beta, [features]),
                ], [("axis", -1, null), ("epsilon", null, (float)ln.Epsilon)]);
            }
            case Normalization norm:
            {
                // (x − mean)/max(√variance, 1e-7), or its inverse mean + x·max(√variance, 1e-7), as Forward computes.
                var mean = graph.Initializer($"{name}/mean", Floats(norm.Mean!), norm.Mean!.Shape);
                var std = norm.Variance!.ToArray<double>().Select(v => (float)Math.Max(Math.Sqrt(v), 1e-7)).ToArray();
                var stdName = graph.Initializer($"{name}/std", std, norm.Variance.Shape);
                return norm.Invert
                    ? graph.Node("Add", name, [graph.Node("Mul", name, [x, stdName]), mean])
                    : graph.Node("Div", name, [graph.Node("Sub", name, [x, mean]), stdName]);
            }
            default:
                throw new NotSupportedException(
                    $"layer '{name}' ({layer.ClassName}) has no ONNX export yet; exportable layers: Dense, Activation, Dropout, " +
                    "GaussianNoise, Flatten, Input, BatchNormalization, LayerNormalization, Normalization");
        }
    }

    private static float[] Floats(Tensor t) => t.ToArray<float>();

    private static float[] Ones(long n, float value) => Enumerable.Repeat(value, (int)n).ToArray();
}
