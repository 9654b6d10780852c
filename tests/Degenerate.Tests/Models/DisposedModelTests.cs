using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

// Issue 14: a disposed model or weight used again must throw ObjectDisposedException naming it, on every path
// (these used to segfault the process through the fused predict plan, which read freed tensors).
public sealed class DisposedModelTests
{
    // More than 32 rows: Predict takes the fused plan, the path that crashed.
    private static float[,] X(int rows = 64, int cols = 3)
    {
        var x = new float[rows, cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) x[i, j] = (i * cols + j) % 7 / 7f;
        return x;
    }

    private static Sequential Compiled(string name = "victim")
    {
        var model = new Sequential(new Dense(4, "relu", inputDim: 3), new Dense(1)) { Device = Device.CPU, Name = name };
        model.Compile(new SGD(), new MeanSquaredError());
        return model;
    }

    [Fact]
    public void EveryEntryPointOfADisposedModelThrowsNamingTheModel()
    {
        var model = Compiled();
        model.Dispose();
        var y = new float[64];
        var path = Path.Combine(Path.GetTempPath(), $"disposed-{Guid.NewGuid():N}.dgm");
        Action[] calls =
        [
            () => model.Predict(X()),
            () => model.Predict(X(8)),
            () => model.Fit(X(), y, verbose: 0),
            () => model.Evaluate(X(), y),
            () => model.GetWeights(),
            () => model.SetWeights(new Array[] { new float[3, 4], new float[4], new float[4, 1], new float[1] }),
            () => model.Save(path),
        ];
        foreach (var call in calls)
        {
            var e = Assert.Throws<ObjectDisposedException>(call);
            Assert.Contains("victim", e.Message);
            Assert.DoesNotContain("TensorHandle", e.Message);
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void DisposedKernelThrowsNamingLayerAndWeight()
    {
        using var model = Compiled();
        var dense = (Dense)model.Layers[0];
        dense.Kernel!.Dispose();
        foreach (var eager in new[] { false, true })
        {
            model.RunEagerly = eager;
            var e = Assert.Throws<ObjectDisposedException>(() => model.Predict(X()));
            Assert.Contains("kernel", e.Message);
            Assert.Contains(dense.Name ?? nameof(Dense), e.Message);
            Assert.DoesNotContain("TensorHandle", e.Message);
            Assert.Throws<ObjectDisposedException>(() => model.Fit(X(), new float[64], verbose: 0));
        }
    }

    [Fact]
    public void DisposingOneOfTwoModelsSharingALayerMakesTheOtherThrow()
    {
        var shared = new Dense(4, "tanh", inputDim: 3);
        var a = new Sequential(shared, new Dense(1)) { Device = Device.CPU, Name = "a" };
        using var b = new Sequential(shared, new Dense(1)) { Device = Device.CPU, Name = "b" };
        a.Predict(X());
        b.Predict(X());
        a.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => b.Predict(X()));
        Assert.Contains("kernel", e.Message);
        Assert.Contains("'b'", e.Message);
    }
}
