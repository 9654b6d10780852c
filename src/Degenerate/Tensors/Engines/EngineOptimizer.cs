namespace Degenerate.Tensors.Engines;

/// <summary>An optimizer's per-parameter state (moments, accumulators) kept by an engine, freed exactly once.</summary>
internal abstract class EngineOptimizer : IDisposable
{
    /// <summary>State tensors kept per parameter (moments, velocities, accumulators; unused ones stay zero).</summary>
    public const int SlotsPerParameter = 3;

    /// <summary>Updates applied so far.</summary>
    public abstract long Iterations { get; }

    /// <summary>One update from the parameters' gradients (clipping first when the values are > 0), then clears them.</summary>
    public abstract void Step(double learningRate, double clipNorm, double clipValue);

    /// <summary>
    /// Slot <paramref name="slot"/> (0..2) of parameter <paramref name="parameter"/>: a new handle on the optimizer's own
    /// tensor, so copying into it restores saved state. The caller owns (disposes) the handle.
    /// </summary>
    public abstract EngineTensor Slot(int parameter, int slot);

    /// <summary>Sets the update count (with restored slots, the optimizer continues a saved run exactly).</summary>
    public abstract void SetIterations(long iterations);

    public abstract bool IsDisposed { get; }

    public abstract void Dispose();
}
