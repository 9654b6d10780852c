using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Optimizers;

/// <summary>
/// Keras's update rules (SGD with momentum and Nesterov, Adam with AMSGrad, RMSprop centered or with momentum,
/// Adagrad) written on Degenerate's tensor operations, for engines without a fused optimizer of their own (TorchSharp's
/// optimizers use PyTorch's formulas, which differ in epsilon placement and accumulator start). The same arithmetic as
/// the native shim's optimizer.h, so both engines train alike.
/// </summary>
internal sealed partial class PortableOptimizer : EngineOptimizer
{
    // Kinds as Optimizer.NativeKind numbers them.
    private const int Sgd = 0, Adam = 1, RmsProp = 2, Adagrad = 3;

    private readonly int _kind;
    private readonly double[] _hyper;
    private readonly Tensor[] _params;
    private readonly Tensor[] _slot1, _slot2, _slot3;  // per-parameter state: moments, velocities, accumulators
    private long _iterations;
    private bool _disposed;

    public PortableOptimizer(int kind, ReadOnlySpan<double> hyperparameters, IReadOnlyList<Tensor> parameters)
    {
        if (kind is < Sgd or > Lion) throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer kind");
        _kind = kind;
        _hyper = hyperparameters.ToArray();
        var n = parameters.Count;
        _params = new Tensor[n];
        _slot1 = new Tensor[n];
        _slot2 = new Tensor[n];
        _slot3 = new Tensor[n];
        using var noGrad = Autograd.NoGrad();
        var init = kind == Adagrad ? H(0, 0.1) : 0.0;
        for (var i = 0; i < n; i++)
        {
            var p = parameters[i];
            _params[i] = Keep(p.Alias());
            _slot1[i] = Keep(Tensor.Full(p.Shape, init, p.DType, p.Device));
            _slot2[i] = Keep(Tensor.Zeros(p.Shape, p.DType, p.Device));
            _slot3[i] = Keep(Tensor.Zeros(p.Shape, p.DType, p.Device));
        }
    }

    // State outlives any DisposeScope open while the optimizer is built.
    private static Tensor Keep(Tensor t)
    {
        DisposeScope.Current?.Detach(t);
        return t;
    }

    private double H(int i, double fallback) => i < _hyper.Length ? _hyper[i] : fallback;

    // ---- for the managed training plan (Tensors/Engines/ManagedFusedKernels.cs), which updates this state in place ----

    /// <summary>The kind, as <see cref="Optimizer"/>'s NativeKind numbers it (0 SGD, 1 Adam, 2 RMSprop, 3 Adagrad).</summary>
    internal int Kind => _kind;

    /// <summary>The hyperparameters in NativeHyperparameters order (a copy; unset trailing ones take Keras's defaults).</summary>
    internal double[] Hyperparameters => (double[])_hyper.Clone();

    /// <summary>The parameters (aliases of the model's), in the order the optimizer was built with.</summary>
    internal IReadOnlyList<Tensor> Parameters => _params;

    /// <summary>Per-parameter state: SGD velocity, Adam m, RMSprop mean square, Adagrad accumulator.</summary>
    internal IReadOnlyList<Tensor> Slot1 => _slot1;

    /// <summary>Per-parameter state: Adam v, RMSprop momentum.</summary>
    internal IReadOnlyList<Tensor> Slot2 => _slot2;

    /// <summary>Per-parameter state: AMSGrad's v̂, centered RMSprop's mean gradient.</summary>
    internal IReadOnlyList<Tensor> Slot3 => _slot3;

    /// <summary>Counts one update made outside <see cref="Step"/> (as Step counts its own); returns the new count.</summary>
    internal long AdvanceIterations()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ++_iterations;
    }

    public override long Iterations => _iterations;

    public override bool IsDisposed => _disposed;

    public override void Step(double learningRate, double clipNorm, double clipValue)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = Autograd.NoGrad();
        _iterations++;
        var t = (double)_iterations;
        BeginKeras3Step(t);
        for (var i = 0; i < _params.Length; i++)
        {
            using var scope = new DisposeScope();
            var p = _params[i];
            var g = p.Grad;
            if (g is null) continue;
            if (clipValue > 0) g = g.Clamp(-clipValue, clipValue);
            // g · clipNorm / max(‖g‖, clipNorm), on the device (no host read per step).
            if (clipNorm > 0) g = g * (g.Norm().ClampMin(clipNorm).Reciprocal() * clipNorm);
            switch (_kind)
            {
                case Sgd:
                    StepSgd(i, p, g, learningRate);
                    break;
                case Adam:
                    StepAdam(i, p, g, learningRate, t);
                    break;
                case RmsProp:
                    StepRmsProp(i, p, g, learningRate);
                    break;
                case >= Adamax:
                    StepKeras3(i, p, g, learningRate, t);
                    break;
                default:
                    var acc = _slot1[i];
                    acc.CopyFrom(acc + g * g);
                    p.CopyFrom(p - g / (acc + H(1, 1e-7)).Sqrt() * learningRate);
                    break;
            }
            p.ClearGrad();
        }
    }

    private void StepSgd(int i, Tensor p, Tensor g, double lr)
    {
        var momentum = H(0, 0);
        if (momentum == 0)
        {
            p.CopyFrom(p - g * lr);
            return;
        }
        var vel = _slot1[i];
        vel.CopyFrom(vel * momentum - g * lr);  // vel = momentum * vel - lr * g
        p.CopyFrom(H(1, 0) != 0 ? p + vel * momentum - g * lr : p + vel);
    }

    private void StepAdam(int i, Tensor p, Tensor g, double lr, double t)
    {
        double b1 = H(0, 0.9), b2 = H(1, 0.999), eps = H(2, 1e-7);
        var alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
        var m = _slot1[i];
        var v = _slot2[i];
        m.CopyFrom(m + (g - m) * (1 - b1));
        v.CopyFrom(v * b2 + g * (1 - b2) * g);
        var second = v;
        if (H(3, 0) != 0)
        {
            var vhat = _slot3[i];
            vhat.CopyFrom(vhat.Maximum(v));
            second = vhat;
        }
        p.CopyFrom(p - m / (second.Sqrt() + eps) * alpha);
    }

    private void StepRmsProp(int i, Tensor p, Tensor g, double lr)
    {
        double rho = H(0, 0.9), momentum = H(1, 0), eps = H(2, 1e-7);
        var vel = _slot1[i];
        vel.CopyFrom(vel * rho + g * (1 - rho) * g);
        Tensor denom;
        if (H(3, 0) != 0)
        {
            var avg = _slot3[i];
            avg.CopyFrom(avg * rho + g * (1 - rho));
            denom = vel - avg.Square() + eps;
        }
        else
        {
            denom = vel + eps;
        }
        var increment = g * lr / denom.Sqrt();
        if (momentum > 0)
        {
            var mom = _slot2[i];
            mom.CopyFrom(mom * momentum + increment);
            p.CopyFrom(p - mom);
        }
        else
        {
            p.CopyFrom(p - increment);
        }
    }

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var set in new[] { _params, _slot1, _slot2, _slot3 })
            foreach (var t in set) t.Dispose();
    }
}
