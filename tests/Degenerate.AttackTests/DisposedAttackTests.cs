namespace Degenerate.AttackTests;

/// <summary>
/// Disposed models, weights and tensors used again (issue 14: Predict on a disposed model of more than 32 rows, after
/// disposing Dense.Kernel, or after disposing one of two models sharing a layer, segfaulted). In a child process:
/// every case must end in ObjectDisposedException naming what was disposed, never a crash.
/// </summary>
public sealed class DisposedAttackTests
{
    private static readonly Lazy<ChildRun> Runs = new(() => Child.Run("disposed"));

    private static string Disposed(string name)
    {
        var line = Runs.Value[name];
        Assert.StartsWith("error ObjectDisposedException: ", line);
        Assert.DoesNotContain("TensorHandle", line); // an engine's internals are not the user's business
        Assert.DoesNotContain("SafeHandle", line);
        return line;
    }

    [Theory]
    [InlineData("model.predict-64-rows")]
    [InlineData("model.predict-8-rows")]
    [InlineData("model.fit")]
    [InlineData("model.evaluate")]
    [InlineData("model.get-weights")]
    [InlineData("model.save")]
    [InlineData("model.load-weights")]
    [InlineData("model.save-weights")]
    [InlineData("model.save-weights-h5")]
    [InlineData("model.export-onnx")]
    [InlineData("model.summary")]
    public void ADisposedModelNamesItself(string attack) =>
        Assert.Contains("model 'victim' was disposed", Disposed(attack));

    [Fact]
    public void DisposingTwiceIsHarmless() => Assert.StartsWith("ok", Runs.Value["model.dispose-twice"]);

    [Theory]
    [InlineData("kernel.predict-fused")]
    [InlineData("kernel.predict-eager")]
    [InlineData("kernel.fit")]
    public void ADisposedKernelNamesTheLayerAndTheWeight(string attack)
    {
        var line = Disposed(attack);
        Assert.Contains("weight 'kernel' of layer 'dense", line);
    }

    [Fact]
    public void DisposingOneOfTwoModelsSharingALayerMakesTheOtherThrow()
    {
        var line = Disposed("shared-layer.predict");
        Assert.Contains("'kernel'", line);
        Assert.Contains("model 'b'", line);
    }

    [Theory]
    [InlineData("tensor.add")]
    [InlineData("tensor.to-array")]
    [InlineData("kernel.layer-forward")] // a layer called directly: the tensor itself refuses
    [InlineData("tensor.matmul")]
    [InlineData("tensor.copy-from-disposed")]
    [InlineData("tensor.set-weights-from-disposed")]
    public void ADisposedTensorThrows(string attack) =>
        Assert.Contains("the tensor was disposed", Disposed(attack));

    // Metadata read before the release may still be answered from what the tensor cached; anything else refuses.
    [Theory]
    [InlineData("tensor.shape")]
    [InlineData("model.param-count")]
    public void MetadataIsAnsweredOrRefusedNeverACrash(string attack)
    {
        var line = Runs.Value[attack];
        if (!line.StartsWith("ok ", StringComparison.Ordinal)) Disposed(attack);
    }
}
