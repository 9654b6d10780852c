using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Layers;

public class BatchNormalizationTests
{
    [Fact]
    public void DefaultsAndWeightsFollowKeras()
    {
        // keras/src/layers/normalization/batch_normalization.py: momentum 0.99, epsilon 1e-3, center and scale;
        // weights gamma, beta (trainable), moving_mean, moving_variance (non-trainable), initialized 1, 0, 0, 1.
        var bn = new BatchNormalization();
        Assert.Equal((0.99, 1e-3, true, true), (bn.Momentum, bn.Epsilon, bn.Center, bn.Scale));
        using var model = new Sequential(new Input(3), bn) { DType = DType.Float64, Device = Device.CPU };
        Assert.Equal(["gamma", "beta", "moving_mean", "moving_variance"], bn.WeightNames);
        Assert.Equal([1.0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1], bn.Weights.SelectMany(LayerFixture.Values));
        Assert.Equal(2, bn.TrainableWeights.Count);
        Assert.Same(bn.MovingMean, bn.NonTrainableWeights[0]);
        Assert.Same(bn.MovingVariance, bn.NonTrainableWeights[1]);
        Assert.Equal((6L, 6L, 12L), (model.TrainableParamCount, model.NonTrainableParamCount, model.ParamCount));
    }

    [Fact]
    public void TrainingUsesBatchStatisticsAndUpdatesMovingOnesAsNumPy()
    {
        // NumPy reference (tests/fixtures/layers/make_fixtures.py): three training calls, momentum 0.9; outputs,
        // gradients of sum(y · r) through the batch statistics, and the moving statistics after each call.
        var f = LayerFixture.Get("batch_normalization");
        using var model = new Sequential(new Input(3), new BatchNormalization(momentum: f.GetProperty("momentum").GetDouble()))
        { DType = DType.Float64, Device = Device.CPU };
        var bn = (BatchNormalization)model.Layers[0];
        model.SetWeights(new Array[] { f.Vector("gamma"), f.Vector("beta"), new double[3], new[] { 1.0, 1, 1 } });
        foreach (var step in f.GetProperty("steps").EnumerateArray())
        {
            using var scope = new DisposeScope();
            var x = Tensor.FromArray(step.Matrix("x"));
            x.RequiresGrad = true;
            var y = bn.Forward(x, training: true);
            Assert.Equal(LayerFixture.Flat(step.Matrix("y")), LayerFixture.Values(y), new Tolerance(1e-10));
            (y * Tensor.FromArray(step.Matrix("r"))).Sum().Backward();
            Assert.Equal(LayerFixture.Flat(step.Matrix("dx")), LayerFixture.Values(x.Grad!), new Tolerance(1e-10));
            Assert.Equal(step.Vector("dgamma"), LayerFixture.Values(bn.Gamma!.Grad!), new Tolerance(1e-10));
            Assert.Equal(step.Vector("dbeta"), LayerFixture.Values(bn.Beta!.Grad!), new Tolerance(1e-10));
            bn.Gamma.ClearGrad();
            bn.Beta.ClearGrad();
            Assert.Equal(step.Vector("moving_mean"), LayerFixture.Values(bn.MovingMean!), new Tolerance(1e-12));
            Assert.Equal(step.Vector("moving_variance"), LayerFixture.Values(bn.MovingVariance!), new Tolerance(1e-12));
        }
        // Inference: the moving statistics, and nothing moves.
        using var yi = bn.Forward(Tensor.FromArray(f.Matrix("x_inference")));
        Assert.Equal(LayerFixture.Flat(f.Matrix("y_inference")), LayerFixture.Values(yi), new Tolerance(1e-10));
        var last = f.GetProperty("steps").EnumerateArray().Last();
        Assert.Equal(last.Vector("moving_mean"), LayerFixture.Values(bn.MovingMean!), new Tolerance(1e-12));
    }

    [Fact]
    public void RepeatedTrainingCallsNormalizeAndConvergeTheMovingStatistics()
    {
        // In the manner of keras/src/layers/normalization/batch_normalization_test.py (test_correctness): momentum 0.8,
        // data centred on 5 with scale 10, ten training calls on the same batch; (out − beta) / gamma then has mean 0
        // and std 1, and the moving statistics have moved 1 − 0.8¹⁰ of the way from (0, 1) to the batch's.
        using var scope = new DisposeScope();
        var x = Tensor.RandNormal([3200, 3], 5.0, 10.0, DType.Float64, Device.CPU);
        var bn = new BatchNormalization(momentum: 0.8);
        Tensor output = null!;
        for (var i = 0; i < 10; i++) output = bn.Forward(x, training: true);
        var normalized = (output - bn.Beta!) / bn.Gamma!;
        Assert.All(LayerFixture.Values(normalized.Mean(0)), v => Assert.Equal(0, v, 1e-3));
        var std = (normalized - normalized.Mean(0)).Square().Mean(0).Sqrt();
        Assert.All(LayerFixture.Values(std), v => Assert.Equal(1, v, 1e-3));
        var reached = 1 - Math.Pow(0.8, 10);
        var batchMean = LayerFixture.Values(x.Mean(0));
        var batchVariance = LayerFixture.Values((x - x.Mean(0)).Square().Mean(0));
        Assert.Equal(batchMean.Select(m => m * reached), LayerFixture.Values(bn.MovingMean!), new Tolerance(1e-9));
        Assert.Equal(batchVariance.Select(v => (1 - reached) + v * reached), LayerFixture.Values(bn.MovingVariance!), new Tolerance(1e-9));
        bn.Dispose();
    }

    [SkippableTheory]
    [MemberData(nameof(TestDevices.All), MemberType = typeof(TestDevices))]
    public void FitUpdatesMovingStatisticsAndPredictUsesThem(string deviceName)
    {
        var device = TestDevices.Get(deviceName);
        // As the first layer, BatchNormalization sees the raw rows, so its moving statistics after an unshuffled epoch
        // follow from the data alone: batch by batch, moving = moving·m + batch·(1 − m).
        var x = new double[8, 2];
        var y = new double[8, 1];
        for (var i = 0; i < 8; i++)
        {
            x[i, 0] = i * i - 3;
            x[i, 1] = 10 + Math.Sin(i);
            y[i, 0] = i % 3;
        }
        using var model = new Sequential(new Input(2), new BatchNormalization(momentum: 0.5), new Dense(1))
        { DType = DType.Float64, Device = device };
        model.Compile(new SGD(0.01), "mse");
        model.Fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0);
        double[] mm = [0, 0], mv = [1, 1];
        for (var b = 0; b < 2; b++)
            for (var j = 0; j < 2; j++)
            {
                var col = Enumerable.Range(4 * b, 4).Select(i => x[i, j]).ToArray();
                var mean = col.Average();
                var variance = col.Select(v => (v - mean) * (v - mean)).Average();
                mm[j] = mm[j] * 0.5 + mean * 0.5;
                mv[j] = mv[j] * 0.5 + variance * 0.5;
            }
        var bn = (BatchNormalization)model.Layers[0];
        Assert.Equal(mm, LayerFixture.Values(bn.MovingMean!), new Tolerance(1e-12));
        Assert.Equal(mv, LayerFixture.Values(bn.MovingVariance!), new Tolerance(1e-12));

        // Evaluate and Predict are inference: they leave the statistics alone and normalize with them.
        model.Evaluate(x, y);
        using var predicted = model.Predict(x);
        Assert.Equal(mm, LayerFixture.Values(bn.MovingMean!), new Tolerance(1e-12));
        var gamma = LayerFixture.Values(bn.Gamma!);
        var beta = LayerFixture.Values(bn.Beta!);
        var dense = (Dense)model.Layers[1];
        var kernel = LayerFixture.Values(dense.Kernel!);
        var bias = LayerFixture.Values(dense.Bias!)[0];
        var p = LayerFixture.Values(predicted);
        for (var i = 0; i < 8; i++)
        {
            var expected = bias;
            for (var j = 0; j < 2; j++) expected += ((x[i, j] - mm[j]) / Math.Sqrt(mv[j] + 1e-3) * gamma[j] + beta[j]) * kernel[j];
            Assert.Equal(expected, p[i], 1e-10);
        }
    }

    [Fact]
    public void FrozenLayerRunsInInferenceModeInFit()
    {
        // Keras: trainable = False makes BatchNormalization use its moving statistics, and update none, even in fit.
        var x = new double[,] { { 1, 2 }, { 3, 5 }, { 6, 1 }, { 0, 0 } };
        var y = new double[,] { { 1 }, { 0 }, { 1 }, { 0 } };
        using var model = new Sequential(new Input(2), new BatchNormalization(), new Dense(1)) { DType = DType.Float64, Device = Device.CPU };
        var bn = model.Layers[0];
        bn.Trainable = false;
        model.Compile(new SGD(0.1), "mse");
        var before = bn.Weights.SelectMany(LayerFixture.Values).ToArray();
        var denseBefore = model.Layers[1].Weights.SelectMany(LayerFixture.Values).ToArray();
        model.Fit(x, y, epochs: 3, batchSize: 2, verbose: 0);
        Assert.Equal(before, bn.Weights.SelectMany(LayerFixture.Values));
        Assert.NotEqual(denseBefore, model.Layers[1].Weights.SelectMany(LayerFixture.Values));
        Assert.Empty(bn.TrainableWeights);
        Assert.Equal((3L, 8L), (model.TrainableParamCount, model.NonTrainableParamCount));
    }

    [Fact]
    public void RejectsBadHyperparametersAndInputs()
    {
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(momentum: 1.5)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(epsilon: 0)).ParamName);
        using var bn = new BatchNormalization();
        using var x = Tensor.Zeros([4, 3], DType.Float64, Device.CPU);
        bn.Forward(x).Dispose();
        using var wrong = Tensor.Zeros([4, 5], DType.Float64, Device.CPU);
        var e = Assert.Throws<ArgumentException>(() => bn.Forward(wrong));
        Assert.Contains("width 3", e.Message);
        Assert.Contains("[4, 5]", e.Message);
        using var cube = Tensor.Zeros([2, 2, 3], DType.Float64, Device.CPU);
        Assert.Contains("[batch, features]", Assert.Throws<ArgumentException>(() => bn.Forward(cube)).Message);
    }
}
