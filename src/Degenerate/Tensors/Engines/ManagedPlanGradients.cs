using System.Numerics;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// The managed plan's steps between the backward pass and the optimizer's update (see
/// <see cref="FusedTrainingOptions"/>): the regularizers' gradients and penalty, global clipping, weight decay, and
/// per parameter clipping, each as the op-by-op path computes it (Dense.RegularizationLoss, Optimizer.Step,
/// PortableOptimizer.Step).
/// </summary>
internal static unsafe class ManagedPlanGradients<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Adds each regularized parameter's penalty gradient (l1·sign(p) + l2·2p) to its gradient and returns the penalty
    /// Σ l1·Σ|p| + l2·Σp² at the current weights (what Keras adds to the reported loss).
    /// </summary>
    public static double AddPenalties(FusedTrainingOptions options, T*[] parameters, T[][] grads, long[] sizes)
    {
        double penalty = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var l1 = options.L1?[i] ?? 0;
            var l2 = options.L2?[i] ?? 0;
            if (l1 == 0 && l2 == 0) continue;
            T* p = parameters[i];
            T f1 = T.CreateChecked(l1), f2 = T.CreateChecked(l2), two = T.CreateChecked(2);
            double abs = 0, squares = 0;
            fixed (T* g = grads[i])
            {
                for (long j = 0; j < sizes[i]; j++)
                {
                    var v = p[j];
                    abs += double.CreateChecked(T.Abs(v));
                    squares += double.CreateChecked(v * v);
                    // Autograd's terms: abs backward is sign(p) (0 at 0), square backward 2p, each times its factor.
                    if (l1 != 0) g[j] += f1 * T.CreateChecked(T.Sign(v));
                    if (l2 != 0) g[j] += f2 * (two * v);
                }
            }
            penalty += l1 * abs + l2 * squares;
        }
        return penalty;
    }

    /// <summary>
    /// Optimizer.Step's order before the update: global clipping of all gradients together, then weight decay of the
    /// parameters at <paramref name="lr"/>, then per parameter clipping by value and by norm.
    /// </summary>
    public static void BeforeUpdate(FusedTrainingOptions options, T*[] parameters, T[][] grads, long[] sizes, double lr)
    {
        if (options.GlobalClipnorm > 0)
        {
            double squares = 0;
            for (var i = 0; i < grads.Length; i++)
                foreach (var v in grads[i]) squares += double.CreateChecked(v * v);
            // clip / max(‖g‖, clip): 1 when the joint norm is within the limit.
            var scale = T.CreateChecked(options.GlobalClipnorm / Math.Max(Math.Sqrt(squares), options.GlobalClipnorm));
            for (var i = 0; i < grads.Length; i++)
                for (var j = 0; j < grads[i].Length; j++) grads[i][j] *= scale;
        }
        if (options.WeightDecay > 0)
        {
            var decay = T.CreateChecked(options.WeightDecay * lr);
            for (var i = 0; i < parameters.Length; i++)
            {
                if (options.Decays is { } decays && !decays[i]) continue;  // excluded from weight decay
                T* p = parameters[i];
                for (long j = 0; j < sizes[i]; j++) p[j] -= p[j] * decay;
            }
        }
        if (options.ClipValue > 0)
        {
            T hi = T.CreateChecked(options.ClipValue), lo = -hi;
            foreach (var g in grads)
                for (var j = 0; j < g.Length; j++) g[j] = T.Clamp(g[j], lo, hi);
        }
        if (options.ClipNorm > 0)
        {
            foreach (var g in grads)
            {
                double squares = 0;
                foreach (var v in g) squares += double.CreateChecked(v * v);
                var scale = T.CreateChecked(options.ClipNorm / Math.Max(Math.Sqrt(squares), options.ClipNorm));
                for (var j = 0; j < g.Length; j++) g[j] *= scale;
            }
        }
    }
}
