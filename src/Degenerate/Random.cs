using Degenerate.Tensors;

namespace Degenerate;

/// <summary>Seeding for reproducible runs.</summary>
public static class Random
{
    /// <summary>
    /// Seeds every source of randomness Degenerate uses: libtorch's CPU and CUDA generators, which draw the initial
    /// weights, the shuffling order of <c>Fit</c> and the dropout masks. Two CPU runs after the same seed give
    /// identical weights. (CUDA kernels may still be non-deterministic in their summation order.)
    /// </summary>
    public static void Seed(ulong seed) => Engine.Current.ManualSeed(seed);
}
