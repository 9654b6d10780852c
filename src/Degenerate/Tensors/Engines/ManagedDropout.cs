using System.Numerics;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// Dropout in the managed plan: a layer's output times noise drawn beforehand by the engine's own dropout op (0 or
/// 1/(1 − rate)), which is libtorch's forward (input · noise) and backward (grad · noise), element for element.
/// </summary>
internal static unsafe class ManagedDropout<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>output[i] = x[i] · noise[i] for n elements (output may be x).</summary>
    public static void Multiply(T* x, T* noise, T* output, long n)
    {
        for (long i = 0; i < n; i++) output[i] = x[i] * noise[i];
    }
}
