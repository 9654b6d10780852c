namespace Degenerate.Saving;

/// <summary>
/// An ONNX graph under construction: nodes, float32 initializers, one input and one output with a symbolic batch
/// dimension, serialized to a ModelProto by <see cref="ToModel"/>. Field numbers are those of onnx/onnx.proto.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>Opset 17: every operator used here exists in it (Gelu is composed from Erf; Gelu arrived in opset 20).</summary>
    public const long Opset = 17;

    /// <summary>IR version 8 is the one that goes with opset 17.</summary>
    public const long IrVersion = 8;

    /// <summary>The graph's input and output names (what an ONNX Runtime user feeds and fetches).</summary>
    public const string InputName = "input", OutputName = "output";

    private const int FloatType = 1;  // TensorProto.DataType.FLOAT

    private readonly List<ProtobufWriter> _nodes = new();
    private readonly List<ProtobufWriter> _initializers = new();
    private readonly HashSet<string> _names = new();
    private int _counter;

    /// <summary>A fresh value name with this prefix.</summary>
    public string Name(string prefix)
    {
        string name;
        do name = $"{prefix}_{_counter++}"; while (!_names.Add(name));
        return name;
    }

    /// <summary>Adds a float32 constant (a weight) and returns its name.</summary>
    public string Initializer(string name, float[] values, long[] dims)
    {
        _names.Add(name);
        _initializers.Add(new ProtobufWriter()
            .PackedInts(1, dims)                                 // dims
            .Int(2, FloatType)                                   // data_type
            .String(8, name)                                     // name
            .Bytes(9, ProtobufWriter.LittleEndian(values)));     // raw_data
        return name;
    }

    /// <summary>A scalar float32 constant.</summary>
    public string Constant(string prefix, float value) => Initializer(Name(prefix), [value], []);

    /// <summary>Adds a node of <paramref name="opType"/> and returns the name of its (single) output.</summary>
    public string Node(string opType, string layer, IEnumerable<string> inputs,
        IEnumerable<(string Name, long? Int, float? Float)>? attributes = null, string? outputName = null)
    {
        var output = outputName ?? Name($"{layer}/{opType}");
        _names.Add(output);
        var node = new ProtobufWriter();
        foreach (var input in inputs) node.String(1, input);    // input
        node.String(2, output);                                  // output
        node.String(3, output);                                  // name
        node.String(4, opType);                                  // op_type
        foreach (var (name, i, f) in attributes ?? [])
        {
            var attribute = new ProtobufWriter().String(1, name);
            if (i is { } iv) attribute.Int(3, iv).Int(20, 2);    // i, type INT
            else attribute.Float(2, f!.Value).Int(20, 1);        // f, type FLOAT
            node.Message(5, attribute);
        }
        _nodes.Add(node);
        return output;
    }

    private static ProtobufWriter ValueInfo(string name, long width)
    {
        var shape = new ProtobufWriter()
            .Message(1, new ProtobufWriter().String(2, "batch"))   // dim { dim_param: "batch" }
            .Message(1, new ProtobufWriter().Int(1, width));       // dim { dim_value: width }
        var tensor = new ProtobufWriter().Int(1, FloatType).Message(2, shape);
        return new ProtobufWriter().String(1, name).Message(2, new ProtobufWriter().Message(1, tensor));
    }

    /// <summary>The serialized ModelProto.</summary>
    public byte[] ToModel(string graphName, long inputWidth, string output, long outputWidth, string docString)
    {
        // A fixed, documented output name for servers to ask for, whatever the last layer was.
        output = Node("Identity", "output", [output], outputName: OutputName);
        var graph = new ProtobufWriter();
        foreach (var node in _nodes) graph.Message(1, node);
        graph.String(2, graphName);
        foreach (var init in _initializers) graph.Message(5, init);
        graph.Message(11, ValueInfo(InputName, inputWidth));
        graph.Message(12, ValueInfo(OutputName, outputWidth));
        return new ProtobufWriter()
            .Int(1, IrVersion)                                                  // ir_version
            .String(2, "Degenerate")                                            // producer_name
            .String(3, typeof(OnnxGraph).Assembly.GetName().Version?.ToString() ?? "0")
            .String(6, docString)
            .Message(7, graph)
            .Message(8, new ProtobufWriter().String(1, "").Int(2, Opset))      // opset_import { domain "", version }
            .ToArray();
    }
}
