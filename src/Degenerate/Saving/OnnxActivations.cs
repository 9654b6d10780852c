using Degenerate.Activations;

namespace Degenerate.Saving;

/// <summary>The ONNX nodes of each activation, with Keras's formulas (docs/keras-interop.md lists them).</summary>
internal static class OnnxActivations
{
    /// <summary>Adds the nodes of one activation; the formulas are Keras's (docs/keras-interop.md lists them).</summary>
    public static string Add(OnnxGraph graph, ActivationFunction activation, string layer, string x)
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
            case LeakyRelu l: return graph.Node("LeakyRelu", layer, [x], [("alpha", null, (float)l.NegativeSlope)]);
            case Relu6: return graph.Node("Clip", layer, [x, graph.Constant($"{layer}/zero", 0f), graph.Constant($"{layer}/six", 6f)]);
            case Selu:
                return graph.Node("Selu", layer, [x], [("alpha", null, (float)Selu.Alpha), ("gamma", null, (float)Selu.Scale)]);
            case Silu: return graph.Node("Mul", layer, [x, graph.Node("Sigmoid", layer, [x])]);
            case Softsign: return graph.Node("Softsign", layer, [x]);
            case HardSigmoid:  // relu6(x + 3)/6 = max(0, min(1, x/6 + 1/2))
                return graph.Node("HardSigmoid", layer, [x], [("alpha", null, 1f / 6), ("beta", null, 0.5f)]);
            case HardSilu: return graph.Node("HardSwish", layer, [x]);  // x·relu6(x + 3)/6, ONNX's definition too
            case Mish:  // x·tanh(softplus(x)); Mish is an operator only from opset 18
                return graph.Node("Mul", layer, [x, graph.Node("Tanh", layer, [graph.Node("Softplus", layer, [x])])]);
            case LogSoftmax: return graph.Node("LogSoftmax", layer, [x], [("axis", -1, null)]);
            case Probit:  // Φ(x) = (1 + erf(x/√2))/2
            {
                var erf = graph.Node("Erf", layer, [graph.Node("Mul", layer, [x, graph.Constant($"{layer}/inv_sqrt2", (float)(1 / Math.Sqrt(2)))])]);
                var onePlus = graph.Node("Add", layer, [erf, graph.Constant($"{layer}/one", 1f)]);
                return graph.Node("Mul", layer, [onePlus, graph.Constant($"{layer}/half", 0.5f)]);
            }
            case CLogLog:  // 1 − exp(−eˣ)
            {
                var inner = graph.Node("Neg", layer, [graph.Node("Exp", layer, [x])]);
                return graph.Node("Sub", layer, [graph.Constant($"{layer}/one", 1f), graph.Node("Exp", layer, [inner])]);
            }
            default:
                throw new NotSupportedException(
                    $"activation '{activation.Name}' of layer '{layer}' has no ONNX export yet");
        }
    }
}
