namespace Degenerate.Tensors.Engines;

/// <summary>
/// The shape of a Dense stack as a training plan sees it: per layer its activation code, whether it has a bias, its
/// input and output widths, and where its kernel and bias sit in the parameter list (kernel, then bias if any, layer
/// after layer, as Model.TrainableWeights lists them).
/// </summary>
internal sealed class DenseLayout
{
    private DenseLayout(int[] activations, bool[] hasBias, long[] inputs, long[] outputs, int[] kernelIndex, int[] biasIndex)
    {
        Activations = activations;
        HasBias = hasBias;
        In = inputs;
        Out = outputs;
        KernelIndex = kernelIndex;
        BiasIndex = biasIndex;
    }

    public int Layers => Activations.Length;
    public int[] Activations { get; }
    public bool[] HasBias { get; }
    public long[] In { get; }
    public long[] Out { get; }
    public int[] KernelIndex { get; }
    public int[] BiasIndex { get; }

    /// <summary>Reads the layout from the parameters' shapes; throws ArgumentException when they do not form the stack.</summary>
    public static DenseLayout From(IReadOnlyList<long[]> shapes, int[] activations, int[] hasBias)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(hasBias);
        if (activations.Length == 0 || hasBias.Length != activations.Length)
            throw new ArgumentException(
                $"training plan: {activations.Length} activation codes and {hasBias.Length} bias flags; expected one of each per layer (at least one layer)",
                nameof(hasBias));
        var L = activations.Length;
        var layout = new DenseLayout(activations, new bool[L], new long[L], new long[L], new int[L], new int[L]);
        var next = 0;
        for (var i = 0; i < L; i++)
        {
            if (next >= shapes.Count)
                throw new ArgumentException($"training plan: {shapes.Count} parameters are fewer than the {L} layers need", nameof(shapes));
            var k = shapes[next];
            if (k.Length != 2)
                throw new ArgumentException($"training plan: layer {i}'s kernel has shape [{string.Join(", ", k)}]; a kernel must be 2-D", nameof(shapes));
            layout.In[i] = k[0];
            layout.Out[i] = k[1];
            layout.KernelIndex[i] = next++;
            layout.HasBias[i] = hasBias[i] != 0;
            layout.BiasIndex[i] = -1;
            if (layout.HasBias[i])
            {
                if (next >= shapes.Count || shapes[next].Length != 1 || shapes[next][0] != k[1])
                    throw new ArgumentException($"training plan: layer {i} needs a bias of shape [{k[1]}] after its kernel", nameof(shapes));
                layout.BiasIndex[i] = next++;
            }
            if (i > 0 && layout.In[i] != layout.Out[i - 1])
                throw new ArgumentException(
                    $"training plan: layer {i} takes {layout.In[i]} inputs but layer {i - 1} gives {layout.Out[i - 1]}: the widths do not chain",
                    nameof(shapes));
        }
        if (next != shapes.Count)
            throw new ArgumentException($"training plan: {shapes.Count} parameters, but the layers hold {next}", nameof(shapes));
        return layout;
    }
}
