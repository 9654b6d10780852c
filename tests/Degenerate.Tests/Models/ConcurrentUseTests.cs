using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

public class ConcurrentUseTests
{
    private static readonly double[,] X = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } };
    private static readonly double[] Y = [1, 2, 3, 4];

    private static Sequential Model() => new(new Dense(1, inputDim: 2)) { Name = "shared", Device = Device.CPU, DType = DType.Float64 };

    [Fact]
    public async Task AnotherThreadCannotFitEvaluateOrPredictWhileOneFits()
    {
        using var model = Model();
        model.Compile("sgd", "mse");
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var pause = new LambdaCallback(onEpochEnd: (epoch, _) =>
        {
            if (epoch != 0) return;
            inside.Set();
            release.Wait(TimeSpan.FromSeconds(60));
        });
        var trainer = Task.Run(() => model.Fit(X, Y, epochs: 3, verbose: 0, callbacks: [pause]));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(60)));
        try
        {
            var fit = Assert.Throws<InvalidOperationException>(() => model.Fit(X, Y, epochs: 1, verbose: 0));
            Assert.Contains("Fit on model 'shared' was called while Fit is running on another thread", fit.Message);
            var predict = Assert.Throws<InvalidOperationException>(() => model.Predict(X));
            Assert.Contains("Predict on model 'shared'", predict.Message);
            Assert.Throws<InvalidOperationException>(() => model.Evaluate(X, Y));
        }
        finally
        {
            release.Set();
        }
        var history = await trainer;
        Assert.Equal(3, history.Epoch.Count);
        // Once the first Fit is over, the model is free again.
        model.Fit(X, Y, epochs: 1, verbose: 0);
        Assert.Equal(4, model.Optimizer!.Iterations); // 3 epochs + 1 epoch, one batch each
    }

    [Fact]
    public void TheTrainingThreadItselfMayPredictAndOtherThreadsMayReadTogether()
    {
        using var model = Model();
        model.Compile("sgd", "mse");
        var predictions = 0;
        var probe = new LambdaCallback(onEpochEnd: (_, _) =>
        {
            using var p = model.Predict(X); // a callback on Fit's own thread, as Keras allows
            predictions++;
        });
        model.Fit(X, Y, epochs: 2, verbose: 0, callbacks: [probe]);
        Assert.Equal(2, predictions);

        // Concurrent readers do not exclude each other.
        Parallel.For(0, 8, _ =>
        {
            using var p = model.Predict(X);
            model.Evaluate(X, Y);
        });
    }

    [Fact]
    public void TwoModelsOnTwoThreadsTrainIndependentlyAndAlike()
    {
        double[] Train()
        {
            using var m = new Sequential(new Dense(1, inputDim: 2,
                kernelInitializer: new Degenerate.Initializers.Constant(0.1), biasInitializer: new Degenerate.Initializers.Zeros()))
                { Device = Device.CPU, DType = DType.Float64 };
            m.Compile(new Degenerate.Optimizers.SGD(0.01), "mse");
            m.Fit(X, Y, epochs: 50, batchSize: 2, shuffle: false, verbose: 0);
            return m.GetWeights().SelectMany(w => { using (w) return w.ToArray<double>(); }).ToArray();
        }
        var results = new double[2][];
        Parallel.For(0, 2, i => results[i] = Train());
        Assert.Equal(results[0], results[1]);
    }
}
