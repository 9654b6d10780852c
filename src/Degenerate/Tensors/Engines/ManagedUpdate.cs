using System.Numerics;
using System.Runtime.CompilerServices;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// Keras-formula updates of one parameter on raw memory, from a gradient the managed plan computed: the arithmetic of
/// <see cref="Optimizers.PortableOptimizer"/>'s Step (and of the shim's optimizer.h), element by element, on the
/// portable optimizer's own slots, so the plan and the op-by-op path can alternate on one optimizer state.
/// </summary>
internal readonly unsafe struct ManagedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Sgd = 0, Adam = 1, RmsProp = 2, Adagrad = 3;

    private readonly int _kind;
    private readonly double[] _h;

    /// <summary>The update of an optimizer of this kind with these hyperparameters (NativeHyperparameters order).</summary>
    public ManagedUpdate(int kind, double[] hyperparameters)
    {
        if (kind is < Sgd or > Adagrad) throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer kind (0-3)");
        _kind = kind;
        _h = hyperparameters;
    }

    private double H(int i, double fallback) => i < _h.Length ? _h[i] : fallback;

    private static T S(double v) => T.CreateChecked(v);

    /// <summary>One update of n elements of p from g, at step <paramref name="t"/> (1 for the first update).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(T* p, T* g, T* s1, T* s2, T* s3, long n, double lr, long t)
    {
        switch (_kind)
        {
            case Sgd:
            {
                var momentum = S(H(0, 0.0));
                var nesterov = H(1, 0.0) != 0.0;
                var slr = S(lr);
                if (momentum == T.Zero)
                {
                    for (long j = 0; j < n; j++) p[j] -= g[j] * slr;
                    break;
                }
                for (long j = 0; j < n; j++)
                {
                    s1[j] = s1[j] * momentum - g[j] * slr;  // vel = momentum · vel − lr · g
                    p[j] = nesterov ? p[j] + s1[j] * momentum - g[j] * slr : p[j] + s1[j];
                }
                break;
            }
            case Adam:
            {
                double b1 = H(0, 0.9), b2 = H(1, 0.999);
                var alpha = S(lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t)));
                T w1 = S(1 - b1), sb2 = S(b2), w2 = S(1 - b2), eps = S(H(2, 1e-7));
                var amsgrad = H(3, 0.0) != 0.0;
                for (long j = 0; j < n; j++)
                {
                    s1[j] += (g[j] - s1[j]) * w1;
                    s2[j] = s2[j] * sb2 + g[j] * w2 * g[j];
                    var v = s2[j];
                    if (amsgrad)
                    {
                        s3[j] = T.Max(s3[j], v);
                        v = s3[j];
                    }
                    p[j] -= s1[j] / (T.Sqrt(v) + eps) * alpha;
                }
                break;
            }
            case RmsProp:
            {
                T rho = S(H(0, 0.9)), momentum = S(H(1, 0.0)), eps = S(H(2, 1e-7)), keep = S(1 - H(0, 0.9)), slr = S(lr);
                var centered = H(3, 0.0) != 0.0;
                for (long j = 0; j < n; j++)
                {
                    s1[j] = s1[j] * rho + g[j] * keep * g[j];
                    T denom;
                    if (centered)
                    {
                        s3[j] = s3[j] * rho + g[j] * keep;
                        denom = s1[j] - s3[j] * s3[j] + eps;
                    }
                    else
                    {
                        denom = s1[j] + eps;
                    }
                    var increment = g[j] * slr / T.Sqrt(denom);
                    if (momentum > T.Zero)
                    {
                        s2[j] = s2[j] * momentum + increment;
                        p[j] -= s2[j];
                    }
                    else
                    {
                        p[j] -= increment;
                    }
                }
                break;
            }
            default:
            {
                T eps = S(H(1, 1e-7)), slr = S(lr);
                for (long j = 0; j < n; j++)
                {
                    s1[j] += g[j] * g[j];
                    p[j] -= g[j] / T.Sqrt(s1[j] + eps) * slr;
                }
                break;
            }
        }
    }
}
