using System.Globalization;
using System.Text.Json.Nodes;
using Degenerate.Tensors;

namespace Degenerate.Layers;

/// <summary>
/// Shifts and scales features to mean 0 and variance 1, as Keras's preprocessing layer <c>keras.layers.Normalization</c>
/// (the usual first layer of a regression network): y = (x − mean) / max(√variance, 1e-7), or with
/// <see cref="Invert"/> x = mean + y · max(√variance, 1e-7). The mean and variance are either given at construction
/// (the layer then has no weights) or learned from data by <see cref="Adapt(double[,])"/> before Fit, and stored as the
/// non-trainable weights <c>mean</c> [features], <c>variance</c> [features] and <c>count</c> [] (Keras's names and
/// order; with <c>axis: null</c> mean and variance are scalars). Fit never changes them.
/// </summary>
/// <example><code>
/// var norm = new Normalization();
/// norm.Adapt(xTrain);                       // per-feature mean and (population) variance
/// using var model = new Sequential(norm, new Dense(64, "relu"), new Dense(1));
/// </code></example>
public sealed class Normalization : Layer
{
    private const double Epsilon = 1e-7; // Keras's backend.epsilon(), the floor of the standard deviation
    private readonly double[]? _givenMean;
    private readonly double[]? _givenVariance;
    private Tensor? _mean;
    private Tensor? _variance;
    private Tensor? _count;
    private NormalizationStatistics? _pending; // adapted before the layer was built
    private NormalizationStatistics? _adapted; // the last Adapt's float64 results, to widen the weights exactly

    /// <summary>Creates the layer; without <paramref name="mean"/> and <paramref name="variance"/>, call Adapt before Fit.</summary>
    /// <param name="axis">-1 (or 1): a mean and variance per feature; null: one mean and variance for all values.</param>
    /// <param name="mean">The mean, per feature (or one value for every feature); given together with the variance.</param>
    /// <param name="variance">The variance (≥ 0), per feature (or one value); given together with the mean.</param>
    /// <param name="invert">Undo the normalization instead (turn normalized values back into original ones).</param>
    /// <param name="name">Layer name; default "normalization", "normalization_1", ...</param>
    public Normalization(int? axis = -1, double[]? mean = null, double[]? variance = null, bool invert = false, string? name = null)
        : base(name)
    {
        if (axis is not (null or -1 or 1))
            throw new ArgumentOutOfRangeException(nameof(axis), axis,
                "axis must be -1 (or 1: per feature of a [batch, features] input) or null (one mean and variance for all values)");
        if ((mean is null) != (variance is null))
            throw new ArgumentException("mean and variance must be given together (or neither, and learned by Adapt)",
                mean is null ? nameof(mean) : nameof(variance));
        if (mean is not null)
        {
            if (mean.Length == 0 || mean.Length != variance!.Length)
                throw new ArgumentException($"mean and variance must have the same non-zero length; got {mean.Length} and {variance!.Length}", nameof(variance));
            if (axis is null && mean.Length != 1)
                throw new ArgumentException($"with axis null the mean and variance are single values; got {mean.Length}", nameof(mean));
            if (mean.Any(m => !double.IsFinite(m))) throw new ArgumentException("mean must be finite", nameof(mean));
            if (variance.Any(v => !(v >= 0) || double.IsInfinity(v))) throw new ArgumentException("variance must be finite and ≥ 0", nameof(variance));
            _givenMean = (double[])mean.Clone();
            _givenVariance = (double[])variance.Clone();
        }
        Axis = axis;
        Invert = invert;
    }

    /// <summary>A layer with one given mean and variance for every feature (Keras's <c>Normalization(mean=3., variance=2.)</c>).</summary>
    public Normalization(double mean, double variance, bool invert = false, string? name = null)
        : this(-1, [mean], [variance], invert, name) { }

    /// <summary>-1: per-feature statistics; null: one mean and variance for all values.</summary>
    public int? Axis { get; }

    /// <summary>Whether the layer undoes the normalization.</summary>
    public bool Invert { get; }

    /// <summary>Whether the mean and variance were given at construction (no weights, no Adapt).</summary>
    public bool HasGivenStatistics => _givenMean is not null;

    /// <summary>The mean in use (given, or the <c>mean</c> weight); null until built. Owned by the layer.</summary>
    public Tensor? Mean => _mean;

    /// <summary>The variance in use (given, or the <c>variance</c> weight); null until built. Owned by the layer.</summary>
    public Tensor? Variance => _variance;

    /// <inheritdoc/>
    public override string BaseName => "normalization";

    /// <inheritdoc/>
    public override long OutputDim(long inputDim) => inputDim;

    private long[] StatShape(long inputDim) => Axis is null ? [] : [inputDim];

    /// <inheritdoc/>
    protected override void CreateWeights(long inputDim, DType dtype, Device device)
    {
        if (_givenMean is not null)
        {
            if (_givenMean.Length != 1 && _givenMean.Length != inputDim)
                throw new ArgumentException(
                    $"Normalization '{Name ?? BaseName}' was given {_givenMean.Length} means and variances but its input has {inputDim} features", nameof(inputDim));
            // Constants, not weights (Keras keeps given statistics out of the weights too).
            _mean = Constant(_givenMean, inputDim, dtype, device);
            _variance = Constant(_givenVariance!, inputDim, dtype, device);
            return;
        }
        var shape = StatShape(inputDim);
        _mean = OwnWeight(_pending is { } p ? FromValues(p.Mean, shape, dtype, device) : Tensor.Zeros(shape, dtype, device), trainable: false);
        _variance = OwnWeight(_pending is { } q ? FromValues(q.Variance, shape, dtype, device) : Tensor.Ones(shape, dtype, device), trainable: false);
        _count = OwnWeight(Tensor.Full([], _pending?.Count ?? 0, dtype, device), trainable: false);
        _adapted = _pending;
        _pending = null;
    }

    private static Tensor Constant(double[] values, long inputDim, DType dtype, Device device)
    {
        var full = values.Length == 1 ? Enumerable.Repeat(values[0], (int)inputDim).ToArray() : values;
        return OwnWeight(FromValues(full, [inputDim], dtype, device), trainable: false);
    }

    private static Tensor FromValues(double[] values, long[] shape, DType dtype, Device device)
    {
        using var host = Tensor.FromArray(values, shape);
        return host.To(dtype, device);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Weights => _givenMean is not null || _mean is null ? [] : [_mean, _variance!, _count!];

    /// <inheritdoc/>
    protected override IReadOnlyList<Tensor> GradientWeights => [];

    /// <inheritdoc/>
    public override IReadOnlyList<string> WeightNames => _givenMean is not null ? [] : ["mean", "variance", "count"];

    internal override IReadOnlyList<(string Name, long[] Shape)> PlannedWeights(long inputDim) =>
        _givenMean is not null ? [] : [("mean", StatShape(inputDim)), ("variance", StatShape(inputDim)), ("count", [])];

    /// <summary>
    /// Learns the mean and (population, ddof 0) variance of <paramref name="x"/> [rows, features], as Keras's
    /// <c>adapt(data)</c>: per feature, or over all values with <c>axis: null</c>. Builds the layer for that width if
    /// it is not built; <c>count</c> records the rows seen. Call it before Fit.
    /// </summary>
    public void Adapt(double[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Store(NormalizationStatistics.Of(x, Axis is null, nameof(x)));
    }

    /// <summary>Learns the statistics of float data; see <see cref="Adapt(double[,])"/>.</summary>
    public void Adapt(float[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Store(NormalizationStatistics.Of(NormalizationStatistics.Widen(x), Axis is null, nameof(x)));
    }

    /// <summary>Learns the statistics of a [rows, features] tensor (any device); see <see cref="Adapt(double[,])"/>.</summary>
    public void Adapt(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Length != 2) throw new ArgumentException($"Adapt takes [rows, features] data; got shape {x.ShapeString}", nameof(x));
        using var wide = x.To(DType.Float64, Device.CPU);
        Store(NormalizationStatistics.Of(wide.ToArray2D<double>(), Axis is null, nameof(x)));
    }

    /// <summary>
    /// Learns the statistics from batches streamed one at a time (data larger than memory), combining them as Keras's
    /// adapt does for a dataset; the result equals adapting on all rows at once.
    /// </summary>
    public void Adapt(IEnumerable<double[,]> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        NormalizationStatistics? total = null;
        var i = 0;
        foreach (var batch in batches)
        {
            if (batch is null) throw new ArgumentException($"batch {i} is null", nameof(batches));
            var stats = NormalizationStatistics.Of(batch, Axis is null, $"{nameof(batches)}[{i}]");
            total = total is null ? stats : total.Combine(stats, nameof(batches));
            i++;
        }
        Store(total ?? throw new ArgumentException("Adapt received no batches; expected at least one", nameof(batches)));
    }

    /// <summary>
    /// Learns the statistics from the inputs of a sequence of batches, such as a <see cref="Models.CsvBatches"/> reader
    /// or the batches given to Fit (Keras's <c>adapt(dataset)</c> of (x, y) pairs reads the x); memory holds one batch
    /// at a time.
    /// </summary>
    public void Adapt(IEnumerable<Models.Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        Adapt(Inputs(batches));
    }

    private static IEnumerable<double[,]> Inputs(IEnumerable<Models.Batch> batches)
    {
        foreach (var batch in batches)
        {
            if (batch.X.IsEmpty) throw new ArgumentException("a batch has no inputs", nameof(batches));
            using var x = batch.X.ToTensor(DType.Float64, Device.CPU, asMatrix: true);
            yield return x.ToArray2D<double>();
        }
    }

    private void Store(NormalizationStatistics stats)
    {
        ThrowIfDisposed();
        if (_givenMean is not null)
            throw new InvalidOperationException(
                $"Normalization '{Name ?? BaseName}' was given its mean and variance; Adapt learns them only when they are not given");
        if (InputDim is { } width && width != stats.Width)
            throw new ArgumentException(
                $"Normalization '{Name ?? BaseName}' takes {width} features but Adapt received data with {stats.Width}", "x");
        if (!Built)
        {
            _pending = stats;
            InputDim = stats.Width; // lets a Sequential that starts with this layer build at once, as in Keras
            return;
        }
        Assign(stats);
        _adapted = stats;
    }

    private void Assign(NormalizationStatistics stats)
    {
        var shape = StatShape(stats.Width);
        using (Autograd.NoGrad())
        {
            using (var m = FromValues(stats.Mean, shape, _mean!.DType, _mean.Device)) _mean.CopyFrom(m);
            using (var v = FromValues(stats.Variance, shape, _variance!.DType, _variance.Device)) _variance.CopyFrom(v);
            _count!.Fill(stats.Count);
        }
    }

    // Whether the weights still hold the last Adapt's results (rounded to their dtype), not values set since.
    private bool HoldsAdapted(NormalizationStatistics stats)
    {
        static double[] Read(Tensor t)
        {
            using var wide = t.To(DType.Float64, Device.CPU);
            return wide.ToArray<double>();
        }
        double Round(double v) => _mean!.DType == DType.Float32 ? (float)v : v;
        return Read(_mean!).SequenceEqual(stats.Mean.Select(Round)) && Read(_variance!).SequenceEqual(stats.Variance.Select(Round));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training = false)
    {
        EnsureBuilt(x);
        using var scope = new DisposeScope();
        var std = _variance!.Sqrt().ClampMin(Epsilon);
        var result = Invert ? _mean! + x * std : (x - _mean!) / std;
        return scope.MoveToOuter(result);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["class_name"] = "Normalization",
        ["name"] = Name,
        ["trainable"] = Trainable,
        ["axis"] = Axis,
        ["invert"] = Invert,
        ["mean"] = _givenMean is null ? null : new JsonArray(_givenMean.Select(v => (JsonNode)v).ToArray()),
        ["variance"] = _givenVariance is null ? null : new JsonArray(_givenVariance.Select(v => (JsonNode)v).ToArray()),
    };

    internal static new Normalization FromConfig(JsonObject c)
    {
        static double[]? Values(JsonNode? n) =>
            n is JsonArray a ? a.Select(v => Convert.ToDouble((double)v!, CultureInfo.InvariantCulture)).ToArray() : null;
        return new((int?)c["axis"], Values(c["mean"]), Values(c["variance"]), (bool?)c["invert"] ?? false, (string?)c["name"]);
    }

    internal override void MoveTo(DType dtype, Device device)
    {
        if (_mean is null || (_mean.DType == dtype && _mean.Device == device)) return;
        // A layer adapted (or given its statistics) before its model became float64 widens from the float64 values,
        // not from their float32 rounding.
        var widen = dtype == DType.Float64 && _mean.DType != DType.Float64;
        var exact = widen && _givenMean is null && _adapted is { } a && HoldsAdapted(a);
        _mean = MoveWeight(_mean, dtype, device);
        _variance = MoveWeight(_variance, dtype, device);
        _count = MoveWeight(_count, dtype, device);
        if (exact) Assign(_adapted!);
        if (widen && _givenMean is not null)
        {
            _mean!.Dispose();
            _variance!.Dispose();
            _mean = Constant(_givenMean, InputDim!.Value, dtype, device);
            _variance = Constant(_givenVariance!, InputDim.Value, dtype, device);
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _mean?.Dispose();
        _variance?.Dispose();
        _count?.Dispose();
        base.Dispose();
    }
}
