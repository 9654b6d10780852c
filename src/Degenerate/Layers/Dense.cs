using System.Text.Json.Nodes;
using Degenerate.Activations;
using Degenerate.Initializers;
using Degenerate.Regularizers;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// A fully connected layer: output = activation(x · kernel + bias), with kernel [in, units] and bias [units], as in
/// <c>keras.layers.Dense</c>. One Dense layer alone is a generalized linear model: no activation with MSE is linear
/// regression, sigmoid with binary cross-entropy logistic regression, softmax with categorical cross-entropy
/// multinomial logistic regression, exponential with Poisson loss Poisson regression.
/// </summary>
public sealed class Dense : Layer
{
    private Tensor? _kernel;
    private Tensor? _bias;

    /// <summary>Creates the layer.</summary>
    /// <param name="units">Output width (> 0).</param>
    /// <param name="activation">Activation or its Keras name; null or "linear" for none.</param>
    /// <param name="useBias">Whether the layer adds a bias (the intercept).</param>
    /// <param name="inputDim">Input width, if known: lets the model build (and Summary count weights) before training.</param>
    /// <param name="kernelInitializer">Kernel initializer; default Glorot uniform.</param>
    /// <param name="biasInitializer">Bias initializer; default zeros.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel (L1, L2 or L1L2); default none.</param>
    /// <param name="biasRegularizer">Penalty on the bias; default none.</param>
    /// <param name="name">Layer name; default "dense", "dense_1", ...</param>
    public Dense(int units, ActivationFunction? activation = null, bool useBias = true, int? inputDim = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, string? name = null) : base(name)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), units, "units must be a positive integer");
        if (inputDim is <= 0) throw new ArgumentOutOfRangeException(nameof(inputDim), inputDim, "inputDim must be a positive integer");
        Units = units;
        Activation = activation is Linear ? null : activation;
        UseBias = useBias;
        InputDim = inputDim;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
    }

    /// <summary>Output width.</summary>
    public int Units { get; }

    /// <summary>The activation, or null for linear.</summary>
    public ActivationFunction? Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>Kernel initializer.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Bias initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Kernel penalty, if any.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>Bias penalty, if any.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <summary>The kernel [in, units] (null until built). Owned by the layer: do not dispose.</summary>
    public Tensor? Kernel => _kernel;

    /// <summary>The bias [units] (null until built or without bias). Owned by the layer: do not dispose.</summary>
    public Tensor? Bias => _bias;

    /// <inheritdoc/>
    public override string BaseName => "dense";

    /// <inheritdoc/>
    public override long OutputDim(long inputDim) => Units;

    /// <inheritdoc/>
    protected override void CreateWeights(long inputDim, DType dtype, Device device)
    {
        _kernel = Own(KernelInitializer.Create([inputDim, Units], dtype, device));
        if (UseBias) _bias = Own(BiasInitializer.Create([Units], dtype, device));
    }

    private static Tensor Own(Tensor t)
    {
        DisposeScope.Current?.Detach(t);  // weights live as long as the layer, not the scope that built them
        t.RequiresGrad = true;
        return t;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Weights =>
        _kernel is null ? [] : _bias is null ? [_kernel] : [_kernel, _bias];

    internal override IReadOnlyList<(string Name, long[] Shape)> PlannedWeights(long inputDim) =>
        UseBias ? [("kernel", [inputDim, Units]), ("bias", [Units])] : [("kernel", [inputDim, Units])];

    /// <inheritdoc/>
    public override IReadOnlyList<string> WeightNames => _bias is null && !UseBias ? ["kernel"] : ["kernel", "bias"];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training = false)
    {
        var (pre, activation) = ForwardSplit(x, training);
        if (activation is null) return pre;
        using (pre) return activation.Apply(pre);
    }

    /// <inheritdoc/>
    public override (Tensor PreActivation, ActivationFunction? Activation) ForwardSplit(Tensor x, bool training = false)
    {
        if (_kernel is null) throw new InvalidOperationException($"layer '{Name}' is not built: its input width is unknown");
        var pre = _bias is null ? x.MatMul(_kernel) : x.AddMM(_kernel, _bias);
        return (pre, Activation);
    }

    /// <inheritdoc/>
    public override Tensor? RegularizationLoss()
    {
        Tensor? total = null;
        if (KernelRegularizer is not null && _kernel is not null) total = KernelRegularizer.Penalty(_kernel);
        if (BiasRegularizer is not null && _bias is not null)
        {
            var b = BiasRegularizer.Penalty(_bias);
            if (total is null) return b;
            using var k = total;
            using (b) return k + b;
        }
        return total;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = new JsonObject
        {
        ["class_name"] = "Dense",
        ["name"] = Name,
        ["trainable"] = Trainable,
        ["units"] = Units,
        ["activation"] = "linear",
        ["elu_alpha"] = null,
        ["use_bias"] = UseBias,
        ["input_dim"] = InputDim,
        ["kernel_initializer"] = KernelInitializer.Name,
        ["bias_initializer"] = BiasInitializer.Name,
        ["kernel_regularizer"] = KernelRegularizer?.Describe(),
        ["bias_regularizer"] = BiasRegularizer?.Describe(),
        };
        Activation?.WriteConfig(c);
        return c;
    }

    internal static new Dense FromConfig(JsonObject c)
    {
        var activation = ActivationFunction.FromConfig(c);
        Initializer Init(string key, Initializer fallback) =>
            (string?)c[key] is { } n && n != "constant" ? Initializer.Get(n) : fallback;
        return new Dense(
            (int)c["units"]!,
            activation,
            (bool?)c["use_bias"] ?? true,
            (int?)c["input_dim"],
            Init("kernel_initializer", new GlorotUniform()),
            Init("bias_initializer", new Zeros()),
            (string?)c["kernel_regularizer"] is { } kr ? Regularizer.Get(kr) : null,
            (string?)c["bias_regularizer"] is { } br ? Regularizer.Get(br) : null,
            (string?)c["name"]);
    }

    internal override void MoveTo(DType dtype, Device device)
    {
        _kernel = Move(_kernel, dtype, device);
        _bias = Move(_bias, dtype, device);
    }

    private static Tensor? Move(Tensor? t, DType dtype, Device device)
    {
        if (t is null || (t.DType == dtype && t.Device == device)) return t;
        Tensor moved;
        using (Autograd.NoGrad()) moved = t.To(dtype, device);
        DisposeScope.Current?.Detach(moved);
        t.Dispose();
        moved.RequiresGrad = true;
        return moved;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _kernel?.Dispose();
        _bias?.Dispose();
        base.Dispose();
    }
}
