using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Optimizers;

// Keras 3's optimizer.exclude_from_weight_decay(var_list, var_names) (keras/src/optimizers/base_optimizer.py):
// excluded variables skip the decoupled decay w −= w·weight_decay·lr that apply() runs before the optimizer's own
// update; names are matched with re.search against the variable's name.
public class WeightDecayExclusionTests
{
    private static readonly double[,] X = { { 1, 2 }, { -1, 0.5 }, { 0.3, -2 }, { 2, 1 } };
    private static readonly double[,] Y = { { 1, 0 }, { 0, 1 }, { 0.5, 0.5 }, { 2, -1 } };

    private static Sequential Model()
    {
        var model = new Sequential(new Dense(3, "tanh", inputDim: 2), new Dense(2)) { DType = DType.Float64, Device = Device.CPU };
        model.SetWeights(new Array[]
        {
            new double[,] { { 0.5, -0.3, 0.8 }, { 0.1, 0.7, -0.6 } }, new[] { 0.2, -0.1, 0.4 },
            new double[,] { { 0.3, -0.5 }, { 0.9, 0.2 }, { -0.4, 0.6 } }, new[] { 0.5, -0.7 },
        });
        return model;
    }

    private static double[][] OneStep(Optimizer optimizer, Action<Sequential, Optimizer>? configure = null)
    {
        using var model = Model();
        model.Compile(optimizer, "mse");
        configure?.Invoke(model, optimizer);
        model.Fit(X, Y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0);
        var weights = model.GetWeights();
        var result = weights.Select(w => w.ToArray<double>()).ToArray();
        foreach (var t in weights) t.Dispose();
        return result;
    }

    private static double[][] Initial()
    {
        using var model = Model();
        var weights = model.GetWeights();
        var result = weights.Select(w => w.ToArray<double>()).ToArray();
        foreach (var t in weights) t.Dispose();
        return result;
    }

    private static void Rows(double[][] expected, double[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], new Tolerance(1e-14));
    }

    [Fact]
    public void ExcludedWeightsSkipTheDecayOthersGetIt()
    {
        const double lr = 0.1, wd = 0.5;
        var plain = OneStep(new SGD(lr));
        var w0 = Initial();
        // Plain SGD: w1 = w0 − lr·g. With decay: (w0 − w0·wd·lr) − lr·g = plain − w0·wd·lr, the gradient taken at w0.
        double[] Decayed(int i) => plain[i].Select((v, j) => v - w0[i][j] * wd * lr).ToArray();
        var byName = OneStep(new SGD(lr, weightDecay: wd), (_, o) => o.ExcludeFromWeightDecay(varNames: ["bias"]));
        Assert.Equal(Decayed(0), byName[0], new Tolerance(1e-14));
        Assert.Equal(plain[1], byName[1], new Tolerance(1e-14));
        Assert.Equal(Decayed(2), byName[2], new Tolerance(1e-14));
        Assert.Equal(plain[3], byName[3], new Tolerance(1e-14));
        // By reference: only the second layer's kernel; a regular expression as Keras's ("^k" is every kernel).
        var byTensor = OneStep(new SGD(lr, weightDecay: wd), (m, o) => o.ExcludeFromWeightDecay(varList: [m.Layers[1].Weights[0]]));
        Rows([Decayed(0), Decayed(1), plain[2], Decayed(3)], byTensor);
        var byPattern = OneStep(new SGD(lr, weightDecay: wd), (_, o) => o.ExcludeFromWeightDecay(varNames: ["^k"]));
        Rows([plain[0], Decayed(1), plain[2], Decayed(3)], byPattern);
        // A later call replaces the earlier exclusions, as Keras's.
        var replaced = OneStep(new SGD(lr, weightDecay: wd), (_, o) =>
        {
            o.ExcludeFromWeightDecay(varNames: ["bias"]);
            o.ExcludeFromWeightDecay();
        });
        Rows([Decayed(0), Decayed(1), Decayed(2), Decayed(3)], replaced);
    }

    [Fact]
    public void EveryOptimizerWithWeightDecayHonoursIt()
    {
        Optimizer[] Make() =>
        [
            new Adam(0.1, weightDecay: 0.3), new AdamW(0.1, weightDecay: 0.3), new Adamax(0.1, weightDecay: 0.3),
            new Nadam(0.1, weightDecay: 0.3), new Lion(0.1, weightDecay: 0.3), new RMSprop(0.1, weightDecay: 0.3),
            new Adagrad(0.1, weightDecay: 0.3), new SGD(0.1, momentum: 0.9, weightDecay: 0.3),
        ];
        var all = Make();
        var biasFree = Make();
        for (var k = 0; k < all.Length; k++)
        {
            var decayed = OneStep(all[k]);
            var kept = OneStep(biasFree[k], (_, o) => o.ExcludeFromWeightDecay(varNames: ["bias"]));
            // The first update of each of these depends on the weight only through the decay, so an excluded bias
            // moves exactly as without decay would move it: differs from the decayed run by w0·wd·lr.
            var w0 = Initial();
            foreach (var i in new[] { 1, 3 })
                for (var j = 0; j < w0[i].Length; j++)
                    Assert.Equal(decayed[i][j] + w0[i][j] * 0.3 * 0.1, kept[i][j], 1e-12);
            Assert.Equal(decayed[0], kept[0], new Tolerance(1e-15));
            Assert.Equal(decayed[2], kept[2], new Tolerance(1e-15));
        }
    }

    [Fact]
    public void BadArgumentsAndLateCallsAreRefused()
    {
        var o = new AdamW();
        Assert.Equal("varNames", Assert.Throws<ArgumentException>(() => o.ExcludeFromWeightDecay(varNames: ["bias", ""])).ParamName);
        Assert.Equal("varNames", Assert.Throws<ArgumentException>(() => o.ExcludeFromWeightDecay(varNames: [null!])).ParamName);
        var bad = Assert.Throws<ArgumentException>(() => o.ExcludeFromWeightDecay(varNames: ["bias["]));
        Assert.Equal("varNames", bad.ParamName);
        Assert.Equal("varList", Assert.Throws<ArgumentException>(() => o.ExcludeFromWeightDecay(varList: [null!])).ParamName);
        using var model = Model();
        model.Compile(o, "mse");
        o.ExcludeFromWeightDecay(varNames: ["bias"]);         // after Compile, before training: allowed
        Assert.False(o.UsesWeightDecay(model.Layers[0].Weights[1], "bias"));
        Assert.True(o.UsesWeightDecay(model.Layers[0].Weights[0], "kernel"));
        model.Fit(X, Y, epochs: 1, verbose: 0);
        var late = Assert.Throws<InvalidOperationException>(() => o.ExcludeFromWeightDecay(varNames: ["kernel"]));
        Assert.Contains("before training starts", late.Message);
    }

    [Fact]
    public void ExclusionsKeepTheModelOnTheFusedPlan()
    {
        // The plan is told which parameters decay (the tests above then check its numbers where it applies, and
        // FusedExtensionsTests compares it with the op-by-op path), so exclusions no longer change the path.
        using var model = Model();
        var o = new Adam(0.1, weightDecay: 0.3);
        model.Compile(o, "mse");
        var before = TrainingPlan.ForTraining(model, []);
        o.ExcludeFromWeightDecay(varNames: ["bias"]);
        Assert.Equal(before is null, TrainingPlan.ForTraining(model, []) is null);
        o.ExcludeFromWeightDecay(varList: [model.Layers[1].Weights[0]]);
        Assert.Equal(before is null, TrainingPlan.ForTraining(model, []) is null);
    }
}
