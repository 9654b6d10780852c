using static TorchSharp.torch;

namespace Degenerate.Engines.TorchSharp;

/// <summary>
/// TorchSharp calls whose native entry point has no error guard: a libtorch error inside them terminates the
/// process (TorchSharp 0.107's <c>THSTensor_matmul</c> lets a <c>c10::Error</c> escape). Each checks what libtorch
/// would reject first and throws a managed exception instead.
/// </summary>
internal static class GuardedOps
{
    /// <summary>
    /// <c>torch.matmul</c> after checking its operands: both at least 1-D, same dtype and device, inner dimensions
    /// equal and batch dimensions broadcastable.
    /// </summary>
    /// <exception cref="ArgumentException">The operands cannot be multiplied; the message gives both shapes.</exception>
    internal static Tensor Matmul(Tensor a, Tensor b)
    {
        CheckMatmul(a, b);
        return matmul(a, b);
    }

    /// <summary>The checks of <see cref="Matmul"/> alone.</summary>
    /// <exception cref="ArgumentException">The operands cannot be multiplied; the message gives both shapes.</exception>
    internal static void CheckMatmul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        long[] sa = a.shape, sb = b.shape;
        string shapes = $"a has shape [{string.Join(", ", sa)}], b has shape [{string.Join(", ", sb)}]";
        if (sa.Length == 0 || sb.Length == 0)
            throw new ArgumentException($"matmul needs operands of at least 1 dimension: {shapes}.", sa.Length == 0 ? nameof(a) : nameof(b));
        if (a.dtype != b.dtype)
            throw new ArgumentException($"matmul needs one dtype: a is {a.dtype}, b is {b.dtype}.", nameof(b));
        if (a.device.ToString() != b.device.ToString())
            throw new ArgumentException($"matmul needs one device: a is on {a.device}, b is on {b.device}.", nameof(b));

        // The contracted dimension: a's last against b's only (1-D) or second-to-last.
        long inner = sa[^1];
        long bInner = sb.Length == 1 ? sb[0] : sb[^2];
        if (inner != bInner)
            throw new ArgumentException(
                $"matmul contracts a's last dimension ({inner}) with b's {(sb.Length == 1 ? "only" : "second-to-last")} dimension ({bInner}), which differ: {shapes}.", nameof(b));

        // Batch dimensions: everything before the last two (a 1-D operand has none); they broadcast from the right.
        var ba = sa.Length > 2 ? sa[..^2] : [];
        var bb = sb.Length > 2 ? sb[..^2] : [];
        for (int i = 1; i <= Math.Min(ba.Length, bb.Length); i++)
        {
            long x = ba[^i], y = bb[^i];
            if (x != y && x != 1 && y != 1)
                throw new ArgumentException($"matmul batch dimensions do not broadcast ({x} against {y}): {shapes}.", nameof(b));
        }
    }
}
