using System.Globalization;
using System.Text.Json.Nodes;
using Degenerate.Initializers;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// Normalizes each sample over its features, as <c>keras.layers.LayerNormalization</c> (axis -1):
/// y = (x − mean) / √(variance + ε) · gamma + beta, with the mean and the (biased) variance of the sample's own
/// features, so it behaves the same in training and inference and for any batch size.
/// Weights, in Keras's order and names: <c>gamma</c> [features] (when <see cref="Scale"/>), <c>beta</c> [features]
/// (when <see cref="Center"/>), both trainable.
/// </summary>
public sealed class LayerNormalization : Layer
{
    private Tensor? _gamma;
    private Tensor? _beta;

    /// <summary>Creates the layer with Keras's defaults.</summary>
    /// <param name="epsilon">Added to the variance before the square root (&gt; 0); Keras's default 1e-3.</param>
    /// <param name="center">Whether to add the learned offset beta.</param>
    /// <param name="scale">Whether to multiply by the learned scale gamma.</param>
    /// <param name="betaInitializer">Initializer of beta; default zeros.</param>
    /// <param name="gammaInitializer">Initializer of gamma; default ones.</param>
    /// <param name="name">Layer name; default "layer_normalization", ...</param>
    public LayerNormalization(double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, string? name = null) : base(name)
    {
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be a finite number > 0");
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? new Zeros();
        GammaInitializer = gammaInitializer ?? new Constant(1.0);
    }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Whether beta is added.</summary>
    public bool Center { get; }

    /// <summary>Whether gamma multiplies.</summary>
    public bool Scale { get; }

    /// <summary>Initializer of beta.</summary>
    public Initializer BetaInitializer { get; }

    /// <summary>Initializer of gamma.</summary>
    public Initializer GammaInitializer { get; }

    /// <summary>The scale [features] (null until built or without scale). Owned by the layer.</summary>
    public Tensor? Gamma => _gamma;

    /// <summary>The offset [features] (null until built or without center). Owned by the layer.</summary>
    public Tensor? Beta => _beta;

    /// <inheritdoc/>
    public override string BaseName => "layer_normalization";

    /// <inheritdoc/>
    public override long OutputDim(long inputDim) => inputDim;

    /// <inheritdoc/>
    protected override void CreateWeights(long inputDim, DType dtype, Device device)
    {
        if (Scale) _gamma = OwnWeight(GammaInitializer.Create([inputDim], dtype, device), trainable: true);
        if (Center) _beta = OwnWeight(BetaInitializer.Create([inputDim], dtype, device), trainable: true);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Weights => NormalizationMath.Present(_gamma, _beta);

    /// <inheritdoc/>
    public override IReadOnlyList<string> WeightNames => NormalizationMath.Names(Scale, Center);

    internal override IReadOnlyList<(string Name, long[] Shape)> PlannedWeights(long inputDim) =>
        NormalizationMath.Names(Scale, Center).Select(n => (n, new[] { inputDim })).ToList();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training = false)
    {
        EnsureBuilt(x);
        using var scope = new DisposeScope();
        var mean = x.Mean(-1, keepDim: true);
        var centered = x - mean;
        var variance = centered.Square().Mean(-1, keepDim: true);
        var normalized = centered / (variance + Epsilon).Sqrt();
        var result = NormalizationMath.Affine(normalized, _gamma, _beta);
        return scope.MoveToOuter(result);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["class_name"] = "LayerNormalization",
        ["name"] = Name,
        ["trainable"] = Trainable,
        ["axis"] = -1,
        ["epsilon"] = Epsilon,
        ["center"] = Center,
        ["scale"] = Scale,
        ["beta_initializer"] = NormalizationMath.InitializerName(BetaInitializer),
        ["gamma_initializer"] = NormalizationMath.InitializerName(GammaInitializer),
    };

    internal static new LayerNormalization FromConfig(JsonObject c)
    {
        if (c["axis"] is { } axis && (int)axis != -1) throw new FormatException($"LayerNormalization axis {(int)axis} is not supported (only -1)");
        return new(
            Convert.ToDouble((double?)c["epsilon"] ?? 1e-3, CultureInfo.InvariantCulture),
            (bool?)c["center"] ?? true,
            (bool?)c["scale"] ?? true,
            NormalizationMath.Initializer(c, "beta_initializer", new Zeros()),
            NormalizationMath.Initializer(c, "gamma_initializer", new Constant(1.0)),
            (string?)c["name"]);
    }

    internal override void MoveTo(DType dtype, Device device)
    {
        _gamma = MoveWeight(_gamma, dtype, device);
        _beta = MoveWeight(_beta, dtype, device);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _gamma?.Dispose();
        _beta?.Dispose();
        base.Dispose();
    }
}
