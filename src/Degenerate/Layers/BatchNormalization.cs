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
/// Weights, in Keras's order and names: <c>gamma</c> [features] (when <see cref="AffineNormalization.Scale"/>), <c>beta</c> [features]
/// (when <see cref="AffineNormalization.Center"/>), both trainable; <c>moving_mean</c> and <c>moving_variance</c> [features], non-trainable.
/// </summary>
public sealed class BatchNormalization : AffineNormalization
{
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
        Initializer? movingMeanInitializer = null, Initializer? movingVarianceInitializer = null, string? name = null)
        : base(epsilon, center, scale, betaInitializer, gammaInitializer, name)
    {
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1]");
        Momentum = momentum;
        MovingMeanInitializer = movingMeanInitializer ?? new Zeros();
        MovingVarianceInitializer = movingVarianceInitializer ?? new Constant(1.0);
    }

    /// <summary>Weight of the old moving statistics in each update.</summary>
    public double Momentum { get; }

    /// <summary>Initializer of moving_mean.</summary>
    public Initializer MovingMeanInitializer { get; }

    /// <summary>Initializer of moving_variance.</summary>
    public Initializer MovingVarianceInitializer { get; }

    /// <summary>The moving mean [features] (null until built). Owned by the layer.</summary>
    public Tensor? MovingMean => _movingMean;

    /// <summary>The moving variance [features] (null until built). Owned by the layer.</summary>
    public Tensor? MovingVariance => _movingVariance;

    /// <inheritdoc/>
    public override string BaseName => "batch_normalization";

    /// <inheritdoc/>
    protected override void CreateWeights(long inputDim, DType dtype, Device device)
    {
        base.CreateWeights(inputDim, dtype, device);
        _movingMean = OwnWeight(MovingMeanInitializer.Create([inputDim], dtype, device), trainable: false);
        _movingVariance = OwnWeight(MovingVarianceInitializer.Create([inputDim], dtype, device), trainable: false);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Weights => [.. AffineWeights, .. new[] { _movingMean, _movingVariance }.OfType<Tensor>()];

    /// <inheritdoc/>
    protected override IReadOnlyList<Tensor> GradientWeights => AffineWeights;

    /// <inheritdoc/>
    public override IReadOnlyList<string> WeightNames => [.. AffineNames, "moving_mean", "moving_variance"];

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
        if (!(training && Trainable)) return scope.MoveToOuter(Normalize(x, _movingMean!, _movingVariance!));
        var mean = x.Mean(0);
        var variance = (x - mean).Square().Mean(0);
        using (Autograd.NoGrad())
        {
            _movingMean!.CopyFrom(_movingMean * Momentum + mean * (1 - Momentum));
            _movingVariance!.CopyFrom(_movingVariance * Momentum + variance * (1 - Momentum));
        }
        return scope.MoveToOuter(Normalize(x, mean, variance));
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => Config("BatchNormalization", [("momentum", Momentum)],
    [
        ("moving_mean_initializer", InitializerName(MovingMeanInitializer)),
        ("moving_variance_initializer", InitializerName(MovingVarianceInitializer)),
    ]);

    internal static new BatchNormalization FromConfig(JsonObject c)
    {
        var (epsilon, center, scale, beta, gamma) = ReadConfig(c, "BatchNormalization");
        return new(Convert.ToDouble((double?)c["momentum"] ?? 0.99, CultureInfo.InvariantCulture), epsilon, center, scale, beta, gamma,
            InitializerFrom(c, "moving_mean_initializer", new Zeros()),
            InitializerFrom(c, "moving_variance_initializer", new Constant(1.0)),
            (string?)c["name"]);
    }

    internal override void MoveTo(DType dtype, Device device)
    {
        base.MoveTo(dtype, device);
        _movingMean = MoveWeight(_movingMean, dtype, device);
        _movingVariance = MoveWeight(_movingVariance, dtype, device);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _movingMean?.Dispose();
        _movingVariance?.Dispose();
        base.Dispose();
    }
}
