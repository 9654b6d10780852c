using System.Globalization;
using System.Text.Json.Nodes;
using Degenerate.Initializers;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// What <see cref="BatchNormalization"/> and <see cref="LayerNormalization"/> share: y = (x − mean) / √(variance + ε)
/// · gamma + beta over the last axis, with the optional trainable <c>gamma</c> and <c>beta</c> [features] (Keras's
/// names and order) and their part of the config. The two differ only in where the mean and variance come from.
/// </summary>
public abstract class AffineNormalization : Layer
{
    private Tensor? _gamma;
    private Tensor? _beta;

    private protected AffineNormalization(double epsilon, bool center, bool scale, Initializer? betaInitializer,
        Initializer? gammaInitializer, string? name) : base(name)
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
    public override long OutputDim(long inputDim) => inputDim;

    /// <inheritdoc/>
    protected override void CreateWeights(long inputDim, DType dtype, Device device)
    {
        if (Scale) _gamma = OwnWeight(GammaInitializer.Create([inputDim], dtype, device), trainable: true);
        if (Center) _beta = OwnWeight(BetaInitializer.Create([inputDim], dtype, device), trainable: true);
    }

    /// <summary>gamma and beta, those present, in Keras's order.</summary>
    private protected IReadOnlyList<Tensor> AffineWeights => new[] { _gamma, _beta }.OfType<Tensor>().ToList();

    /// <summary>Their names, in the same order.</summary>
    private protected IReadOnlyList<string> AffineNames =>
        (Scale, Center) switch
        {
            (true, true) => ["gamma", "beta"],
            (true, false) => ["gamma"],
            (false, true) => ["beta"],
            _ => [],
        };

    /// <summary>(x − mean) / √(variance + ε) · gamma + beta, each of gamma and beta only when present.</summary>
    private protected Tensor Normalize(Tensor x, Tensor mean, Tensor variance)
    {
        var normalized = (x - mean) / (variance + Epsilon).Sqrt();
        var scaled = _gamma is null ? normalized : normalized * _gamma;
        return _beta is null ? scaled : scaled + _beta;
    }

    /// <summary>The config in Keras's key order: the layer's own fields go just before epsilon and after the initializers.</summary>
    private protected JsonObject Config(string className, (string Key, JsonNode? Value)[] before, (string Key, JsonNode? Value)[] after)
    {
        var c = new JsonObject { ["class_name"] = className, ["name"] = Name, ["trainable"] = Trainable, ["axis"] = -1 };
        foreach (var (key, value) in before) c[key] = value;
        c["epsilon"] = Epsilon;
        c["center"] = Center;
        c["scale"] = Scale;
        c["beta_initializer"] = InitializerName(BetaInitializer);
        c["gamma_initializer"] = InitializerName(GammaInitializer);
        foreach (var (key, value) in after) c[key] = value;
        return c;
    }

    // What FromConfig reads back: (epsilon, center, scale, beta and gamma initializers), after checking the axis.
    private protected static (double Epsilon, bool Center, bool Scale, Initializer Beta, Initializer Gamma) ReadConfig(JsonObject c, string className)
    {
        if (c["axis"] is { } axis && (int)axis != -1) throw new FormatException($"{className} axis {(int)axis} is not supported (only -1)");
        return (Convert.ToDouble((double?)c["epsilon"] ?? 1e-3, CultureInfo.InvariantCulture), (bool?)c["center"] ?? true,
            (bool?)c["scale"] ?? true, InitializerFrom(c, "beta_initializer", new Zeros()), InitializerFrom(c, "gamma_initializer", new Constant(1.0)));
    }

    // Keras's names for the constants these layers use; Initializer.Get reads them back.
    private protected static string InitializerName(Initializer initializer) => initializer switch
    {
        Constant { Value: 1.0 } => "ones",
        Constant { Value: 0.0 } => "zeros",
        _ => initializer.Name,
    };

    private protected static Initializer InitializerFrom(JsonObject c, string key, Initializer fallback) =>
        (string?)c[key] is { } n && n != "constant" ? Initializer.Get(n) : fallback;

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
