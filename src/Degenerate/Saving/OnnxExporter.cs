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
                return dense.Activation is null ? y : AddActivation(graph, dense.Activation, name, y);
            case Activation activation:
                return AddActivation(graph, activation.Function, name, x);
            case Dropout:
                return x;  // inference: the identity
            default:
                throw new NotSupportedException(
                    $"layer '{name}' ({layer.ClassName}) has no ONNX export yet; exportable layers: Dense, Activation, Dropout");
        }
    }

    /// <summary>Adds the nodes of one activation; the formulas are Keras's (docs/keras-interop.md lists them).</summary>
    internal static string AddActivation(OnnxGraph graph, ActivationFunction activation, string layer, string x)
    {
        switch (activation)
        {
            case Linear: return x;
            case Sigmoid: return graph.Node("Sigmoid", layer, [x]);
            case Softmax: return graph.Node("Softmax", layer, [x], [("axis", -1, null)]);
            case Relu: return graph.Node("Relu", layer, [x]);
            case Tanh: return graph.Node("Tanh", layer, [x]);
            case Exponential: return graph.Node("Exp", layer, [x]);
            case Softplus: return graph.Node("Softplus", layer, [x]);
            case Elu e: return graph.Node("Elu", layer, [x], [("alpha", null, (float)e.Alpha)]);
            case Inverse: return graph.Node("Reciprocal", layer, [x]);
            case Gelu:
            {
                // Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)); opset 17 has Erf but not yet Gelu.
                var scaled = graph.Node("Mul", layer, [x, graph.Constant($"{layer}/inv_sqrt2", (float)(1 / Math.Sqrt(2)))]);
                var erf = graph.Node("Erf", layer, [scaled]);
                var onePlus = graph.Node("Add", layer, [erf, graph.Constant($"{layer}/one", 1f)]);
                var half = graph.Node("Mul", layer, [x, graph.Constant($"{layer}/half", 0.5f)]);
                return graph.Node("Mul", layer, [half, onePlus]);
            }
            default:
                throw new NotSupportedException(
                    $"activation '{activation.Name}' of layer '{layer}' has no ONNX export yet");
        }
    }

    private static float[] Floats(Tensor t) => t.ToArray<float>();
}
