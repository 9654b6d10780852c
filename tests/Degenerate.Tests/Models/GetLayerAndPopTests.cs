using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

public class GetLayerAndPopTests
{
    private static Sequential ThreeDense() =>
        new(new Dense(3, inputDim: 2), new Dense(4), new Dense(5, name: "head")) { DType = DType.Float64, Device = Device.CPU };

    [Fact]
    public void GetLayerFindsByNameAndIndex()
    {
        using var model = ThreeDense();
        Assert.Same(model.Layers[1], model.GetLayer("dense_1"));
        Assert.Same(model.Layers[2], model.GetLayer("head"));
        Assert.Same(model.Layers[0], model.GetLayer(0));
        Assert.Same(model.Layers[2], model.GetLayer(-1)); // a Python index, as Keras receives it
    }

    [Fact]
    public void GetLayerNamesWhatExistsWhenItFails()
    {
        using var model = ThreeDense();
        var byName = Assert.Throws<ArgumentException>(() => model.GetLayer("dense_7"));
        Assert.Equal("name", byName.ParamName);
        Assert.Contains("'dense_7'", byName.Message);
        Assert.Contains("'dense', 'dense_1', 'head'", byName.Message);
        var byIndex = Assert.Throws<ArgumentOutOfRangeException>(() => model.GetLayer(3));
        Assert.Equal("index", byIndex.ParamName);
        Assert.Contains("3 layer(s)", byIndex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetLayer(-4));
    }

    [Fact]
    public void PopRemovesTheLastLayerUntilNoneAreLeft()
    {
        // keras models/sequential_test.py: pop twice from three Dense layers, then pop on an empty model fails.
        using var model = ThreeDense();
        using (var popped = model.Pop()) Assert.Equal("head", popped.Name);
        Assert.Equal(["dense", "dense_1"], model.Layers.Select(l => l.Name!));
        Assert.Equal(4, model.OutputDim);
        Assert.Equal(2 * 3 + 3 + 3 * 4 + 4, model.ParamCount);
        using (var p = model.Predict(new double[,] { { 1, 2 } })) Assert.Equal([1L, 4L], p.Shape);
        model.Pop().Dispose();
        model.Pop().Dispose();
        Assert.Empty(model.Layers);
        var e = Assert.Throws<InvalidOperationException>(() => model.Pop());
        Assert.Contains("no layers", e.Message);
    }

    [Fact]
    public void APoppedModelTrainsWithItsRemainingWeights()
    {
        using var model = ThreeDense();
        model.Compile("sgd", "mse");
        model.Pop().Dispose();
        model.Add(new Dense(1));
        var h = model.Fit(new double[,] { { 1, 2 }, { 3, 4 } }, new double[] { 1, 2 }, epochs: 2, verbose: 0);
        Assert.Equal(2, h.Count);
        Assert.All(h["loss"], v => Assert.True(double.IsFinite(v)));
    }
}
