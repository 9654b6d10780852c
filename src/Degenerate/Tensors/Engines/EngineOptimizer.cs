namespace Degenerate.Tensors.Engines;

/// <summary>An optimizer's per-parameter state (moments, accumulators) kept by an engine, freed exactly once.</summary>
internal abstract class EngineOptimizer : IDisposable
{
    /// <summary>Updates applied so far.</summary>
    public abstract long Iterations { get; }

    /// <summary>One update from the parameters' gradients (clipping first when the values are > 0), then clears them.</summary>
    public abstract void Step(double learningRate, double clipNorm, double clipValue);

    public abstract bool IsDisposed { get; }

    public abstract void Dispose();
}
