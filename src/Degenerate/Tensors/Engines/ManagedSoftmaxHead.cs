using System.Numerics;
using System.Runtime.CompilerServices;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// The loss head of a softmax classifier in the managed plan: categorical cross-entropy on the last layer's logits
/// (−Σ_j y_j·log_softmax(z)_j, what CategoricalCrossentropy and SparseCategoricalCrossentropy compute after a softmax
/// or from logits; sparse labels arrive one-hot) and its gradient with respect to the logits, in autograd's order.
/// </summary>
internal static unsafe class ManagedSoftmaxHead<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// For n rows of <paramref name="classes"/> logits <paramref name="z"/> and targets <paramref name="y"/>, writes
    /// d = ∂(mean over the batch of w·loss)/∂z and returns Σ_r w_r·loss_r.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double LossAndGradient(T* z, T* y, T[] w, T* d, long n, long classes)
    {
        double total = 0;
        var nT = T.CreateChecked(n);
        for (long r = 0; r < n; r++)
        {
            T* zr = z + r * classes, yr = y + r * classes, dr = d + r * classes;
            // log_softmax as libtorch computes it: (z − max) − log Σ exp(z − max).
            var max = zr[0];
            for (long j = 1; j < classes; j++) max = T.Max(max, zr[j]);
            var sum = T.Zero;
            for (long j = 0; j < classes; j++) sum += T.Exp(zr[j] - max);
            var lse = T.Log(sum);
            // Autograd's chain: mean over the batch (1/n), the sample weight, the negation, then y_j per class.
            var upstream = -(T.One / nT * w[r]);
            var perSample = T.Zero;
            var gradSum = T.Zero;
            for (long j = 0; j < classes; j++)
            {
                var logP = zr[j] - max - lse;
                perSample += yr[j] * logP;
                var g = upstream * yr[j];
                dr[j] = logP;  // kept for the backward of log_softmax below
                gradSum += g;
            }
            // log_softmax backward: g − exp(logP)·Σg.
            for (long j = 0; j < classes; j++) dr[j] = upstream * yr[j] - T.Exp(dr[j]) * gradSum;
            total += double.CreateChecked(-perSample * w[r]);
        }
        return total;
    }

    /// <summary>The probabilities of n rows of logits (row-wise softmax), written to <paramref name="output"/>.</summary>
    public static void Probabilities(T* z, T* output, long n, long classes)
    {
        new Span<T>(z, checked((int)(n * classes))).CopyTo(new Span<T>(output, checked((int)(n * classes))));
        ManagedGemm<T>.Softmax(output, n, classes);
    }
}
