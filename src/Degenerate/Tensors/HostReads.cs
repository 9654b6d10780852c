namespace Degenerate.Tensors;

/// <summary>
/// Counts, per thread, the calls that read values back to the host and so make it wait for the device (Item,
/// ToArray, AllFinite, ExactlyEquals, Cholesky, MatrixRank). Tests use it to check that training waits for the GPU
/// once per epoch (to report figures), never once per step.
/// </summary>
internal static class HostReads
{
    [ThreadStatic] private static long _count;

    /// <summary>Reads made so far on this thread.</summary>
    internal static long Count => _count;

    internal static void Note() => _count++;
}
