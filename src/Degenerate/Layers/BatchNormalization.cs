using System.Globalization;
using System.Text.Json.Nodes;
using Degenerate.Initializers;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// Normalizes each feature over the batch, as <c>keras.layers.BatchNormalization</c> (axis -1):
/// y = (x − μ) / √(σ² + ε) · gamma + beta. In training (Fit) μ and σ² are the batch's mean and biased variance, and the
/// moving statistics follow them: moving = moving · momentum + batch · (1 − momentum). In inference (Evaluate, Predict)
/// μ and σ² are the moving statistics. As in Keras, a frozen layer (<see cref="Layer.Trainable"/> false) runs in
/// inference mode even in Fit, and leaves its moving statistics alone.
/// Weights, in Keras's order and names: <c>gamma</c> [features] (when <see cref="Scale"/>), <c>beta</c> [features]
/// (when <see cref="Center"/>), both trainable; <c>moving_mean</c> and <c>moving_variance</c> [features], non-trainable.
/// </summary>
public sealed class BatchNormalization : Layer
{
    private Tensor? _gamma;
    private Tensor? _beta;
    private Tensor? _movingMean;
    private Tensor? _movingVariance;

    /// <summary>Creates the layer with Keras's defaults.</summary>
    /// <param name="momentum">Weight of the old moving statistics in each update, in [0, 1]; Keras's default 0.99.</param>
    /// <param name="epsilon">Added to the variance before the square root (&gt; 0); Keras's default 1e-3.</param>
    /// <param name="center">Whether to add the learned offset beta.</param>
    /// <param name="scale">Whether to multiply by the learned scale gamma.</param>
    /// <param name="betaInitializer">Initializer of beta; default zeros.</param>
    /// <param name="gammaInitializer">Initializer of gamma; default ones.</param>
    /// <param name="movingMeanInitializer">Initializer of moving_mean; default zeros.</param>
    /// <param name="movingVarianceInitializer">Initializer of moving_variance; default ones.</param>
    /// <param name="name">Layer name; default "batch_normalization", ...</param>
    public BatchNormalization(double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Initializer? movingMeanInitializer = null, Initializer? movingVarianceInitializer = null, string? name = null) : base(name)
    {
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1]");
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be a finite number > 0");
        Momentum = momentum;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? new Zeros();
        GammaInitializer = gammaInitializer ?? new Constant(1.0);
        MovingMeanInitializer = movingMeanInitializer ?? new Zeros();
        MovingVarianceInitializer = movingVarianceInitializer ?? new Constant(1.0);
    }

    /// <summary>Weight of the old moving statistics in each training update.</summary>
    public double Momentum { get; }

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

    /// <summary>Initializer of moving_mean.</summary>
    public Initializer MovingMeanInitializer { get; }

    /// <summary>Initializer of moving_variance.</summary>
    public Initializer MovingVarianceInitializer { get; }

    /// <summary>The scale [features] (null until built or without scale). Owned by the layer.</summary>
    public Tensor? Gamma => _gamma;

    /// <summary>The offset [features] (null until built or without center). Owned by the layer.</summary>
    public Tensor? Beta => _beta;

    /// <summary>The moving mean [features] used at inference (null until built). Owned by the layer.</summary>
    public Tensor? MovingMean => _movingMean;

    /// <summary>The moving variance [features] used at inference (null until built). Owned by the layer.</summary>
    public Tensor? MovingVariance => _movingVariance;

    /// <inheritdoc/>
    public override string BaseName => "batch_normalization";

    /// <inheritdoc/>
    public override long OutputDim(long inputDim) => inputDim;

    /// <inheritdoc/>
    protected override void CreateWeights(long inputDim, DType dtype, Device device)
    {
        if (Scale) _gamma = OwnWeight(GammaInitializer.Create([inputDim], dtype, device), trainable: true);
        if (Center) _beta = OwnWeight(BetaInitializer.Create([inputDim], dtype, device), trainable: true);
        _movingMean = OwnWeight(MovingMeanInitializer.Create([inputDim], dtype, device), trainable: false);
        _movingVariance = OwnWeight(MovingVarianceInitializer.Create([inputDim], dtype, device), trainable: false);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Weights => NormalizationMath.Present(_gamma, _beta, _movingMean, _movingVariance);

    /// <inheritdoc/>
    protected override IReadOnlyList<Tensor> GradientWeights => NormalizationMath.Present(_gamma, _beta);

    /// <inheritdoc/>
    public override IReadOnlyList<string> WeightNames => [.. NormalizationMath.Names(Scale, Center), "moving_mean", "moving_variance"];

    internal override IReadOnlyList<(string Name, long[] Shape)> PlannedWeights(long inputDim) =>
        WeightNames.Select(n => (n, new[] { inputDim })).ToList();

    /// <summary>
    /// Normalizes <paramref name="x"/> [batch, features]: with the batch's statistics (updating the moving ones) when
    /// <paramref name="training"/> and the layer is trainable, with the moving statistics otherwise.
    /// </summary>
    public override Tensor Forward(Tensor x, bool training = false)
    {
        EnsureBuilt(x);
        using var scope = new DisposeScope();
        Tensor mean, variance;
        if (training && Trainable)
        {
            mean = x.Mean(0);
            variance = (x - mean).Square().Mean(0);
            using (Autograd.NoGrad())
            {
                _movingMean!.CopyFrom(_movingMean * Momentum + mean * (1 - Momentum));
                _movingVariance!.CopyFrom(_movingVariance * Momentum + variance * (1 - Momentum));
            }
        }
        else
        {
            mean = _movingMean!;
            variance = _movingVariance!;
        }
        var normalized = (x - mean) / (variance + Epsilon).Sqrt();
        return scope.MoveToOuter(NormalizationMath.Affine(normalized, _gamma, _beta));
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["class_name"] = "BatchNormalization",
        ["name"] = Name,
        ["trainable"] = Trainable,
        ["axis"] = -1,
        ["momentum"] = Momentum,
        ["epsilon"] = Epsilon,
        ["center"] = Center,
        ["scale"] = Scale,
        ["beta_initializer"] = NormalizationMath.InitializerName(BetaInitializer),
        ["gamma_initializer"] = NormalizationMath.InitializerName(GammaInitializer),
        ["moving_mean_initializer"] = NormalizationMath.InitializerName(MovingMeanInitializer),
        ["moving_variance_initializer"] = NormalizationMath.InitializerName(MovingVarianceInitializer),
    };

    internal static new BatchNormalization FromConfig(JsonObject c)
    {
        if (c["axis"] is { } axis && (int)axis != -1) throw new FormatException($"BatchNormalization axis {(int)axis} is not supported (only -1)");
        return new(
            Convert.ToDouble((double?)c["momentum"] ?? 0.99, CultureInfo.InvariantCulture),
            Convert.ToDouble((double?)c["epsilon"] ?? 1e-3, CultureInfo.InvariantCulture),
            (bool?)c["center"] ?? true,
            (bool?)c["scale"] ?? true,
            NormalizationMath.Initializer(c, "beta_initializer", new Zeros()),
            NormalizationMath.Initializer(c, "gamma_initializer", new Constant(1.0)),
            NormalizationMath.Initializer(c, "moving_mean_initializer", new Zeros()),
            NormalizationMath.Initializer(c, "moving_variance_initializer", new Constant(1.0)),
            (string?)c["name"]);
    }

    internal override void MoveTo(DType dtype, Device device)
    {
        _gamma = MoveWeight(_gamma, dtype, device);
        _beta = MoveWeight(_beta, dtype, device);
        _movingMean = MoveWeight(_movingMean, dtype, device);
        _movingVariance = MoveWeight(_movingVariance, dtype, device);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _gamma?.Dispose();
        _beta?.Dispose();
        _movingMean?.Dispose();
        _movingVariance?.Dispose();
        base.Dispose();
    }
}
