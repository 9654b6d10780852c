using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests;

// libtorch's generator is process-wide: run alone so that no parallel test draws from it between seed and use.
[Collection(Serial.Name)]
public class RandomTests
{
    private static float[][] TrainWithSeed(ulong seed)
    {
        Degenerate.Random.Seed(seed);
        var x = new float[40, 3];
        var y = new float[40];
        for (var i = 0; i < 40; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = MathF.Sin(i * 3 + j);
            y[i] = x[i, 0] > 0 ? 1 : 0;
        }
        using var model = new Sequential(new Dense(5, "relu", inputDim: 3), new Dropout(0.2), new Dense(1, "sigmoid"))
        { Device = Device.CPU };
        model.Compile("adam", "binary_crossentropy");
        var initial = model.GetWeights().Select(w => { using (w) return w.ToArray<float>(); }).ToList();
        model.Fit(x, y, epochs: 3, batchSize: 8, shuffle: true, verbose: 0);
        var trained = model.GetWeights().Select(w => { using (w) return w.ToArray<float>(); });
        return initial.Concat(trained).ToArray();
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsInTwoCpuRuns()
    {
        var first = TrainWithSeed(42);
        var second = TrainWithSeed(42);
        var other = TrainWithSeed(43);

        Assert.Equal(first.Length, second.Length);
        for (var i = 0; i < first.Length; i++) Assert.Equal(first[i], second[i]); // bit for bit: init, shuffles, dropout
        Assert.NotEqual(first[0], other[0]);
    }
}
