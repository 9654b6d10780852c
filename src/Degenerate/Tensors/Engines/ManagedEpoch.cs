using System.Numerics;
using System.Runtime.CompilerServices;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// One epoch of a Dense stack on host memory (plan.cpp's fit_epoch in C#): per batch the forward pass, the loss and its
/// closed-form gradient (mean over the batch × sample weight × mean over the columns, in autograd's order), the
/// backward pass last layer first, then the optimizer's update of every parameter from those gradients.
/// </summary>
internal static unsafe class ManagedEpoch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The data an epoch reads and the state it updates, as raw pointers the caller keeps alive.</summary>
    public readonly struct Inputs
    {
        public required T*[] Parameters { get; init; }
        public required T*[] Slot1 { get; init; }
        public required T*[] Slot2 { get; init; }
        public required T*[] Slot3 { get; init; }
        public required long[] Sizes { get; init; }
        public required T* X { get; init; }
        public required T* Y { get; init; }
        public required T* SampleWeight { get; init; }  // null: weight 1
        public required long* Permutation { get; init; }  // null: rows in order
        public T* Predictions { get; init; }  // null: not recorded; else [rows, units], row k the k-th row visited
        public T*[]? Noise { get; init; }  // per layer, dropout noise [rows, units] on its output (row k: k-th row visited), or null
        public required long Rows { get; init; }
    }

    /// <summary>Runs the epoch; returns Σ sample weight × per-sample loss. <paramref name="step"/> counts one update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Run(DenseLayout net, int loss, in Inputs data, long batch, double lr, ManagedUpdate<T> update, Func<long> step,
        FusedTrainingOptions? options = null)
    {
        var L = net.Layers;
        long rows = data.Rows, width = net.In[0], classes = net.Out[L - 1];
        var B = Math.Min(batch, rows);
        var widest = width;
        for (var l = 0; l < L; l++) widest = Math.Max(widest, net.Out[l]);

        // Buffers for one batch, allocated once per epoch (pinned: the loops hold raw pointers into them).
        var z = new T[L][];
        var a = new T[L][];
        for (var l = 0; l < L; l++)
        {
            z[l] = GC.AllocateUninitializedArray<T>(checked((int)(B * net.Out[l])), pinned: true);
            a[l] = GC.AllocateUninitializedArray<T>(checked((int)(B * net.Out[l])), pinned: true);
        }
        // A layer followed by Dropout feeds the next one its output times the noise; a[l] keeps the activation's own
        // output, which the activation's backward needs.
        var noise = data.Noise;
        var dropped = new T[L][];
        for (var l = 0; l + 1 < L; l++)
            if (noise?[l] != null) dropped[l] = GC.AllocateUninitializedArray<T>(checked((int)(B * net.Out[l])), pinned: true);
        var P = data.Permutation;
        var xb = GC.AllocateUninitializedArray<T>(P != null ? checked((int)(B * width)) : 0, pinned: true);
        var yb = GC.AllocateUninitializedArray<T>(P != null ? checked((int)(B * classes)) : 0, pinned: true);
        var wb = new T[B];
        var delta = GC.AllocateUninitializedArray<T>(checked((int)(B * widest)), pinned: true);
        var prev = GC.AllocateUninitializedArray<T>(checked((int)(B * widest)), pinned: true);
        var grads = new T[data.Parameters.Length][];
        for (var i = 0; i < grads.Length; i++) grads[i] = GC.AllocateUninitializedArray<T>(checked((int)data.Sizes[i]), pinned: true);

        // Every row index is checked before the first update, so a bad permutation changes nothing.
        for (long r = 0; P != null && r < rows; r++)
            if ((ulong)P[r] >= (ulong)rows)
                throw new ArgumentException($"training plan: permutation entry {P[r]} at {r} is outside [0, {rows})", "permutation");
        T* X = data.X, Y = data.Y, W = data.SampleWeight;
        var mse = loss == ManagedFusedKernels.LossMse;
        var softmaxHead = loss == ManagedFusedKernels.LossSoftmaxCrossentropy;
        var adjust = options is { AdjustsGradients: true };
        long stepIndex = 0;
        double lossSum = 0;
        for (long start = 0; start < rows; start += batch)
        {
            var n = Math.Min(batch, rows - start);
            T* xs, ys;
            if (P != null)
            {
                fixed (T* xbp = xb, ybp = yb)
                {
                    for (long r = 0; r < n; r++)
                    {
                        var src = P[start + r];
                        new Span<T>(X + src * width, (int)width).CopyTo(new Span<T>(xbp + r * width, (int)width));
                        new Span<T>(Y + src * classes, (int)classes).CopyTo(new Span<T>(ybp + r * classes, (int)classes));
                        wb[r] = W != null ? W[src] : T.One;
                    }
                    xs = xbp;  // pinned arrays: the pointers stay valid after the fixed block
                    ys = ybp;
                }
            }
            else
            {
                xs = X + start * width;
                ys = Y + start * classes;
                for (long r = 0; r < n; r++) wb[r] = W != null ? W[start + r] : T.One;
            }

            // Forward.
            for (var l = 0; l < L; l++)
            {
                fixed (T* zl = z[l], al = a[l], input0 = l == 0 ? null : dropped[l - 1] ?? a[l - 1])
                {
                    var input = l == 0 ? xs : input0;
                    var o = net.Out[l];
                    ManagedGemm<T>.Forward(input, data.Parameters[net.KernelIndex[l]], zl, n, net.In[l], o);
                    if (net.HasBias[l]) ManagedGemm<T>.AddBias(data.Parameters[net.BiasIndex[l]], zl, n, o);
                    if (l + 1 < L || mse) ManagedGemm<T>.Activate(net.Activations[l], zl, al, n * o);
                    if (dropped[l] != null)
                        fixed (T* dl = dropped[l])
                            ManagedDropout<T>.Multiply(al, noise![l] + start * o, dl, n * o);
                }
            }
            // The batch's output before its update, for compiled metrics (binary cross-entropy keeps only logits).
            if (data.Predictions != null)
                fixed (T* zLast = z[L - 1], aLast = a[L - 1])
                    if (net.Activations[L - 1] == ManagedFusedKernels.Softmax)
                        ManagedSoftmaxHead<T>.Probabilities(zLast, data.Predictions + start * classes, n, classes);
                    else ManagedGemm<T>.Activate(mse ? ManagedFusedKernels.Linear : net.Activations[L - 1], mse ? aLast : zLast,
                        data.Predictions + start * classes, n * classes);

            // Loss and its gradient with respect to the last pre-activation, scaled by w_r / n.
            double batchLoss = 0;
            if (softmaxHead)
                fixed (T* zLast = z[L - 1], d0 = delta)
                    batchLoss = ManagedSoftmaxHead<T>.LossAndGradient(zLast, ys, wb, d0, n, classes);
            else
            fixed (T* zLast = z[L - 1], aLast = a[L - 1], d0 = delta)
            {
                var d = d0;
                var invC = T.One / T.CreateChecked(classes);
                var nT = T.CreateChecked(n);
                var cT = T.CreateChecked(classes);
                var two = T.CreateChecked(2);
                for (long r = 0; r < n; r++)
                {
                    var perSample = T.Zero;
                    // The factors in autograd's order: mean over the batch, times the sample weight, mean over the columns.
                    var scale = T.One / nT * wb[r] / cT;
                    for (long j = 0; j < classes; j++)
                    {
                        var e = r * classes + j;
                        if (!mse)
                        {
                            T zz = zLast[e], yy = ys[e];
                            var ez = T.Exp(-T.Abs(zz));  // shared by the loss and the sigmoid
                            perSample += T.Max(zz, T.Zero) - zz * yy + ManagedGemm<T>.Log1p(ez);
                            var p = zz >= T.Zero ? T.One / (T.One + ez) : ez / (T.One + ez);
                            d[e] = (p - yy) * scale;
                        }
                        else
                        {
                            var diff = aLast[e] - ys[e];
                            perSample += diff * diff;
                            d[e] = scale * (two * diff);
                        }
                    }
                    batchLoss += double.CreateChecked(perSample * invC * wb[r]);
                }
                if (mse) ManagedGemm<T>.ActivationBackward(net.Activations[L - 1], zLast, aLast, d, n * classes);
            }
            lossSum += batchLoss;  // Σ w_r·loss_r = (batch mean) · rows, what the epoch tracker accumulates

            // Backward, last layer first.
            for (var l = L - 1; l >= 0; l--)
            {
                fixed (T* d = delta, pv = prev, input0 = l == 0 ? null : dropped[l - 1] ?? a[l - 1], gk = grads[net.KernelIndex[l]])
                {
                    var input = l == 0 ? xs : input0;
                    long o = net.Out[l], i = net.In[l];
                    ManagedGemm<T>.KernelGradient(input, d, gk, n, i, o);
                    if (net.HasBias[l])
                        fixed (T* gb = grads[net.BiasIndex[l]])
                            ManagedGemm<T>.ColumnSums(d, gb, n, o);
                    if (l > 0)
                    {
                        ManagedGemm<T>.InputGradient(d, data.Parameters[net.KernelIndex[l]], pv, n, o, i);
                        if (dropped[l - 1] != null) ManagedDropout<T>.Multiply(pv, noise![l - 1] + start * i, pv, n * i);
                        fixed (T* zp = z[l - 1], ap = a[l - 1])
                            ManagedGemm<T>.ActivationBackward(net.Activations[l - 1], zp, ap, pv, n * i);
                    }
                }
                if (l > 0) (delta, prev) = (prev, delta);
            }

            // Regularizers, clipping and weight decay (FusedTrainingOptions), at this step's learning rate.
            var stepLr = options?.RateAt(stepIndex++, lr) ?? lr;
            if (adjust)
            {
                var penalty = ManagedPlanGradients<T>.AddPenalties(options!, data.Parameters, grads, data.Sizes);
                lossSum += penalty * n;  // Keras reports the loss with the penalty, once per row of the batch
                ManagedPlanGradients<T>.BeforeUpdate(options!, data.Parameters, grads, data.Sizes, stepLr);
            }
            var t = step();
            for (var p = 0; p < grads.Length; p++)
                fixed (T* g = grads[p])
                    update.Apply(data.Parameters[p], g, data.Slot1[p], data.Slot2[p], data.Slot3[p], data.Sizes[p], stepLr, t);
        }
        return lossSum;
    }
}
