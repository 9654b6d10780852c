using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

/// <summary>
/// Issue 14: sample weights of shape [n, 2] were accepted on one path. The rule is one weight per sample, [n] or
/// [n, 1], and every way of giving data applies it alike, naming the argument: arrays on the plan and op by op
/// (BadInputTests), validation data, and batches from a sequence, synchronous or asynchronous.
/// </summary>
public class SampleWeightShapeTests
{
    private static float[,] X(int rows)
    {
        var x = new float[rows, 2];
        for (var i = 0; i < rows; i++) { x[i, 0] = i / (float)rows; x[i, 1] = 1 - x[i, 0]; }
        return x;
    }

    private static float[,] Ones(int rows, int columns)
    {
        var w = new float[rows, columns];
        for (var i = 0; i < rows; i++) for (var j = 0; j < columns; j++) w[i, j] = 1;
        return w;
    }

    private static Sequential Model(bool eager)
    {
        var model = new Sequential(new Dense(1, inputDim: 2)) { Device = Device.CPU, RunEagerly = eager };
        model.Compile("sgd", "mse");
        return model;
    }

    private static void AssertTwoColumnsRefused(Action fit, string argument)
    {
        var e = Assert.Throws<ArgumentException>(fit);
        Assert.Equal(argument, e.ParamName);
        Assert.Contains("[8, 2]", e.Message);
        Assert.Contains("one weight per sample", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ValidationDataWeights(bool eager)
    {
        using var model = Model(eager);
        AssertTwoColumnsRefused(() => model.Fit(X(8), new float[8], verbose: 0,
            validationData: new Batch(X(8), new float[8], Ones(8, 2))), "validationData.SampleWeight");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BatchesOfASequence(bool eager)
    {
        using var model = Model(eager);
        IEnumerable<Batch> Batches() { yield return new Batch(X(8), new float[8], Ones(8, 2)); }
        var e = Assert.Throws<ArgumentException>(() => model.Fit(Batches(), verbose: 0));
        Assert.Contains("SampleWeight", e.ParamName);
        Assert.Contains("[8, 2]", e.Message);
        // The same sequence with one weight per row, [n, 1], trains.
        IEnumerable<Batch> Good() { yield return new Batch(X(8), new float[8], Ones(8, 1)); }
        Assert.Single(model.Fit(Good(), verbose: 0)["loss"]);
    }

    [Fact]
    public async Task BatchesOfAnAsyncSequence()
    {
        using var model = Model(false);
        async IAsyncEnumerable<Batch> Batches()
        {
            await Task.Yield();
            yield return new Batch(X(8), new float[8], Ones(8, 2));
        }
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Task.Run(() => model.Fit(Batches(), verbose: 0)));
        Assert.Contains("SampleWeight", e.ParamName);
        Assert.Contains("[8, 2]", e.Message);
    }
}
