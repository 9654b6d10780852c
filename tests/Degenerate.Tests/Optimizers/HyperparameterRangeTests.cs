using Degenerate.Activations;
using Degenerate.Callbacks;
using Degenerate.Initializers;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Metrics;
using Degenerate.Optimizers;

namespace Degenerate.Tests.Optimizers;

/// <summary>
/// Issue 14's audit, beyond the optimizers of <see cref="HyperparameterValidationTests"/>: every numeric
/// hyperparameter of a layer, loss, metric, activation, initializer, callback or solver refuses NaN, the infinities
/// and values out of its range at construction, with ArgumentOutOfRangeException naming the argument and saying what
/// it must be (never weights that turn NaN one epoch later, or training that stops for no reason).
/// </summary>
public class HyperparameterRangeTests
{
    private const double NaN = double.NaN, Inf = double.PositiveInfinity;

    private static readonly Dictionary<string, (string Param, Func<double, object> Create, double[] Bad)> Cases = new()
    {
        ["BatchNormalization.momentum"] = ("momentum", v => new BatchNormalization(momentum: v), [NaN, -0.1, 1.5, Inf]),
        ["BatchNormalization.epsilon"] = ("epsilon", v => new BatchNormalization(epsilon: v), [NaN, 0, -1e-3, Inf]),
        ["LayerNormalization.epsilon"] = ("epsilon", v => new LayerNormalization(epsilon: v), [NaN, 0, -1e-3, Inf]),
        ["GaussianNoise.stddev"] = ("stddev", v => new GaussianNoise(v), [NaN, -0.1, Inf]),
        ["Dropout.rate"] = ("rate", v => new Dropout(v), [NaN, -0.1, 1, Inf]),
        ["BinaryCrossentropy.labelSmoothing"] = ("labelSmoothing", v => new global::Degenerate.Losses.BinaryCrossentropy(labelSmoothing: v), [NaN, -0.1, 1.1, Inf]),
        ["CategoricalCrossentropy.labelSmoothing"] = ("labelSmoothing", v => new global::Degenerate.Losses.CategoricalCrossentropy(labelSmoothing: v), [NaN, -0.1, 1.1, Inf]),
        ["metrics.BinaryCrossentropy.labelSmoothing"] = ("labelSmoothing", v => new global::Degenerate.Metrics.BinaryCrossentropy(labelSmoothing: v), [NaN, 2]),
        ["metrics.CategoricalCrossentropy.labelSmoothing"] = ("labelSmoothing", v => new global::Degenerate.Metrics.CategoricalCrossentropy(labelSmoothing: v), [NaN, -1]),
        ["BinaryFocalCrossentropy.labelSmoothing"] = ("labelSmoothing", v => new BinaryFocalCrossentropy(labelSmoothing: v), [NaN, -0.1, 1.1]),
        ["BinaryFocalCrossentropy.gamma"] = ("gamma", v => new BinaryFocalCrossentropy(gamma: v), [NaN, -1, Inf]),
        ["BinaryFocalCrossentropy.alpha"] = ("alpha", v => new BinaryFocalCrossentropy(alpha: v), [NaN, -0.1, 1.1, Inf]),
        ["Huber.delta"] = ("delta", v => new Huber(v), [NaN, 0, -1, Inf]),
        ["LeakyRelu.negativeSlope"] = ("negativeSlope", v => new LeakyRelu(v), [NaN, -0.1, Inf]),
        ["Elu.alpha"] = ("alpha", v => new Elu(v), [NaN, Inf, -Inf]),
        ["FBetaScore.beta"] = ("beta", v => new FBetaScore(beta: v), [NaN, 0, -1, Inf]),
        ["FBetaScore.threshold"] = ("threshold", v => new FBetaScore(threshold: v), [NaN, 0, 1.5, Inf]),
        ["AUC.numThresholds"] = ("numThresholds", v => new AUC(numThresholds: (int)v), [1, 0, -5]),
        ["Precision.classId"] = ("classId", v => new Precision(classId: (int)v), [-1]),
        ["Constant.value"] = ("value", v => new Constant(v), [NaN, Inf, -Inf]),
        ["RandomNormal.mean"] = ("mean", v => new RandomNormal(mean: v), [NaN, Inf]),
        ["RandomNormal.stddev"] = ("stddev", v => new RandomNormal(stddev: v), [NaN, -0.1, Inf]),
        ["RandomUniform.minval"] = ("minval", v => new RandomUniform(minval: v), [NaN, -Inf]),
        ["RandomUniform.maxval"] = ("maxval", v => new RandomUniform(maxval: v), [NaN, Inf, -0.5]),
        ["EarlyStopping.baseline"] = ("baseline", v => new EarlyStopping(baseline: v), [NaN, Inf, -Inf]),
        ["EarlyStopping.startFromEpoch"] = ("startFromEpoch", v => new EarlyStopping(startFromEpoch: (int)v), [-1]),
        ["ModelCheckpoint.initialValueThreshold"] = ("initialValueThreshold", v => new ModelCheckpoint("m.dgm", initialValueThreshold: v), [NaN, Inf]),
        ["BackupAndRestore.saveFreq"] = ("saveFreq", v => new BackupAndRestore("backup", saveFreq: (int)v), [0, -1]),
        ["Newton.tolerance"] = ("tolerance", v => new Newton(tolerance: v), [NaN, 0, Inf]),
        ["Newton.ridge"] = ("ridge", v => new Newton(ridge: v), [NaN, -1, Inf]),
        ["LBFGS.tolerance"] = ("tolerance", v => new LBFGS(tolerance: v), [NaN, 0, Inf]),
        ["LBFGS.historySize"] = ("historySize", v => new LBFGS(historySize: (int)v), [0, -1]),
        ["Lion.beta1"] = ("beta1", v => new Lion(beta1: v), [NaN, 0, 1.5]),
        ["Nadam.beta2"] = ("beta2", v => new Nadam(beta2: v), [NaN, 1, -0.1]),
        ["Adamax.epsilon"] = ("epsilon", v => new Adamax(epsilon: v), [NaN, 0, Inf]),
        ["AdamW.weightDecay"] = ("weightDecay", v => new AdamW(weightDecay: v), [NaN, -0.1, Inf]),
        ["SGD.clipNorm"] = ("clipNorm", v => new SGD(clipNorm: v), [NaN, 0, Inf]),
        ["SGD.clipValue"] = ("clipValue", v => new SGD(clipValue: v), [NaN, -1, Inf]),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryBadValueIsRefusedNamingTheArgumentAndItsRange(string name)
    {
        var (param, create, bad) = Cases[name];
        foreach (var v in bad)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => create(v));
            Assert.Equal(param, e.ParamName);
            Assert.Contains("must", e.Message);  // says what is expected, not only that it is wrong
        }
    }

    [Fact]
    public void NormalizationRefusesNonFiniteStatistics()
    {
        Assert.Equal("mean", Assert.Throws<ArgumentException>(() => new Normalization(-1, [double.NaN], [1.0])).ParamName);
        Assert.Equal("variance", Assert.Throws<ArgumentException>(() => new Normalization(-1, [0.0], [-1.0])).ParamName);
        Assert.Equal("variance", Assert.Throws<ArgumentException>(() => new Normalization(-1, [0.0], [double.PositiveInfinity])).ParamName);
    }
}
