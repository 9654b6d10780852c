using Degenerate.Tensors;

namespace Degenerate.Optimizers;

// The optimizers Keras 3 has beyond the four the native shim implements (Adamax, Nadam, Lion): portable on every
// engine. Slots: Adamax m, u; Nadam m, v (plus the running product of the momentum schedule); Lion m.
internal sealed partial class PortableOptimizer
{
    /// <summary>Kinds numbered after the native shim's four (Optimizer.NativeKind).</summary>
    internal const int Adamax = 4, Nadam = 5, Lion = 6;

    // Nadam's Π μ₁..ₜ (Keras's u_product): one scalar for all parameters, advanced once per step.
    private double _nadamProduct = 1.0;

    // Keras's u_product as saved in .weights.h5 files: read and restored with the rest of the state.
    internal double NadamProduct
    {
        get => _nadamProduct;
        set
        {
            if (!(value > 0 && value <= 1))
                throw new ArgumentOutOfRangeException(nameof(value), value, "Nadam's u_product is a product of momenta in (0, 1]");
            _nadamProduct = value;
        }
    }

    private static double NadamMomentum(double beta1, double step) => beta1 * (1 - 0.5 * Math.Pow(0.96, step));

    private void BeginKeras3Step(double t)
    {
        if (_kind == Nadam) _nadamProduct *= NadamMomentum(H(0, 0.9), t);
    }

    private void StepKeras3(int i, Tensor p, Tensor g, double lr, double t)
    {
        switch (_kind)
        {
            case Adamax:
            {
                double b1 = H(0, 0.9), b2 = H(1, 0.999), eps = H(2, 1e-7);
                var m = _slot1[i];
                var u = _slot2[i];
                m.CopyFrom(m + (g - m) * (1 - b1));
                u.CopyFrom((u * b2).Maximum(g.Abs()));
                p.CopyFrom(p - m * lr / ((u + eps) * (1 - Math.Pow(b1, t))));
                break;
            }
            case Nadam:
            {
                double b1 = H(0, 0.9), b2 = H(1, 0.999), eps = H(2, 1e-7);
                double uT = NadamMomentum(b1, t), uNext = NadamMomentum(b1, t + 1);
                double product = _nadamProduct, productNext = product * uNext;
                var m = _slot1[i];
                var v = _slot2[i];
                m.CopyFrom(m + (g - m) * (1 - b1));
                v.CopyFrom(v + (g * g - v) * (1 - b2));
                var mHat = m * (uNext / (1 - productNext)) + g * ((1 - uT) / (1 - product));
                var vHat = v / (1 - Math.Pow(b2, t));
                p.CopyFrom(p - mHat * lr / (vHat.Sqrt() + eps));
                break;
            }
            case Lion:
            {
                double b1 = H(0, 0.9), b2 = H(1, 0.99);
                var m = _slot1[i];
                p.CopyFrom(p - (m * b1 + g * (1 - b1)).Sign() * lr);
                m.CopyFrom(m * b2 + g * (1 - b2));
                break;
            }
            default:
                throw new InvalidOperationException($"optimizer kind {_kind} is not a Keras 3 portable kind");
        }
    }
}
