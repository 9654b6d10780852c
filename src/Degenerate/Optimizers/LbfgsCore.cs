namespace Degenerate.Optimizers;

/// <summary>
/// The L-BFGS machinery on flat host vectors: the two-loop recursion over the last m (s, y) pairs and a strong-Wolfe
/// line search (Nocedal and Wright, algorithms 3.5 and 3.6, cubic interpolation safeguarded by bisection).
/// Function values and gradients come from a callback, which evaluates them on libtorch tensors.
/// </summary>
internal sealed class LbfgsCore
{
    private readonly int _history;
    private readonly List<(double[] S, double[] Y, double Rho)> _pairs = new();

    public LbfgsCore(int history) => _history = history;

    public void Clear() => _pairs.Clear();

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>The quasi-Newton direction −H·g.</summary>
    public double[] Direction(double[] g)
    {
        var q = (double[])g.Clone();
        var alpha = new double[_pairs.Count];
        for (var i = _pairs.Count - 1; i >= 0; i--)
        {
            var (s, y, rho) = _pairs[i];
            alpha[i] = rho * Dot(s, q);
            for (var j = 0; j < q.Length; j++) q[j] -= alpha[i] * y[j];
        }
        if (_pairs.Count > 0)
        {
            var (s, y, _) = _pairs[^1];
            var gamma = Dot(s, y) / Dot(y, y);
            for (var j = 0; j < q.Length; j++) q[j] *= gamma;
        }
        for (var i = 0; i < _pairs.Count; i++)
        {
            var (s, y, rho) = _pairs[i];
            var beta = rho * Dot(y, q);
            for (var j = 0; j < q.Length; j++) q[j] += s[j] * (alpha[i] - beta);
        }
        for (var j = 0; j < q.Length; j++) q[j] = -q[j];
        return q;
    }

    /// <summary>Remembers a step and the gradient change, skipping pairs without positive curvature.</summary>
    public void Update(double[] s, double[] y)
    {
        var sy = Dot(s, y);
        if (!(sy > 1e-300)) return;
        _pairs.Add((s, y, 1 / sy));
        if (_pairs.Count > _history) _pairs.RemoveAt(0);
    }

    public bool HasHistory => _pairs.Count > 0;

    /// <summary>
    /// The decrease a quasi-Newton step from a point with gradient <paramref name="g"/> promises, −½ g·d (½ gᵀH⁻¹g,
    /// the Newton decrement's square over 2, with L-BFGS's H): unlike |g| it does not change when the parameters are
    /// rescaled, so it tells a converged fit from one whose gradient is small only because its features are.
    /// Infinity without curvature pairs (nothing is known of the scale yet).
    /// </summary>
    public double PredictedDecrease(double[] g) => HasHistory ? -0.5 * Dot(g, Direction(g)) : double.PositiveInfinity;

    /// <summary>
    /// One L-BFGS iteration from x (value f, gradient g): direction, strong-Wolfe step, history update. Returns the
    /// new point, value and gradient, and the largest |step|; null when no step decreases f (numerical optimum).
    /// </summary>
    public (double[] X, double F, double[] G, double MaxStep)? Iterate(Func<double[], (double F, double[] G)> fg,
        double[] x, double f, double[] g)
    {
        var d = Direction(g);
        var slope = Dot(g, d);
        if (!(slope < 0))
        {
            Clear();
            d = g.Select(v => -v).ToArray();
            slope = Dot(g, d);
        }
        // First iteration: a unit step in the scaled steepest-descent direction, as PyTorch's L-BFGS.
        var a1 = HasHistory ? 1.0 : Math.Min(1.0, 1.0 / g.Sum(Math.Abs));
        var found = LineSearch(fg, x, f, slope, d, a1);
        if (found is not { } r) return null;
        var s = new double[x.Length];
        var yv = new double[x.Length];
        double maxStep = 0;
        for (var i = 0; i < x.Length; i++)
        {
            s[i] = r.X[i] - x[i];
            yv[i] = r.G[i] - g[i];
            maxStep = Math.Max(maxStep, Math.Abs(s[i]));
        }
        Update(s, yv);
        return (r.X, r.F, r.G, maxStep);
    }

    private const double C1 = 1e-4, C2 = 0.9;

    private static (double[] X, double F, double[] G, double Slope) Eval(Func<double[], (double F, double[] G)> fg,
        double[] x, double[] d, double a)
    {
        var p = new double[x.Length];
        for (var i = 0; i < x.Length; i++) p[i] = x[i] + a * d[i];
        var (f, g) = fg(p);
        return (p, f, g, Dot(g, d));
    }

    private static (double[] X, double F, double[] G)? LineSearch(Func<double[], (double F, double[] G)> fg,
        double[] x, double f0, double slope0, double[] d, double a1)
    {
        double aPrev = 0, fPrev = f0, sPrev = slope0;
        (double[] X, double F, double[] G)? accepted = null;
        var a = a1;
        for (var i = 0; i < 30; i++)
        {
            var e = Eval(fg, x, d, a);
            if (!double.IsFinite(e.F) || e.F > f0 + C1 * a * slope0 || (i > 0 && e.F >= fPrev))
                return Zoom(fg, x, d, f0, slope0, aPrev, fPrev, sPrev, a, e.F, e.Slope);
            if (Math.Abs(e.Slope) <= -C2 * slope0) return (e.X, e.F, e.G);
            if (e.Slope >= 0) return Zoom(fg, x, d, f0, slope0, a, e.F, e.Slope, aPrev, fPrev, sPrev);
            aPrev = a;
            fPrev = e.F;
            sPrev = e.Slope;
            accepted = (e.X, e.F, e.G);
            a *= 2;
        }
        // Still descending steeply after 2^30 times the first step (a direction far too short, as on features scaled
        // by 1e-12): the farthest point tried lowered the loss, so take it; the (s, y) pair it gives rescales the next.
        return accepted;
    }

    private static (double[] X, double F, double[] G)? Zoom(Func<double[], (double F, double[] G)> fg, double[] x,
        double[] d, double f0, double slope0, double lo, double fLo, double sLo, double hi, double fHi, double sHi)
    {
        (double[] X, double F, double[] G)? best = null;
        for (var i = 0; i < 40; i++)
        {
            // Minimizer of the cubic through (lo, fLo, sLo) and (hi, fHi, sHi); bisection when it is unsafe.
            var a = (lo + hi) / 2;
            if (double.IsFinite(fHi) && double.IsFinite(sHi))
            {
                var d1 = sLo + sHi - 3 * (fLo - fHi) / (lo - hi);
                var disc = d1 * d1 - sLo * sHi;
                if (disc >= 0)
                {
                    var d2 = Math.Sign(hi - lo) * Math.Sqrt(disc);
                    var c = hi - (hi - lo) * ((sHi + d2 - d1) / (sHi - sLo + 2 * d2));
                    var min = Math.Min(lo, hi);
                    var max = Math.Max(lo, hi);
                    var margin = 0.1 * (max - min);
                    if (double.IsFinite(c) && c > min + margin && c < max - margin) a = c;
                }
            }
            var e = Eval(fg, x, d, a);
            if (!double.IsFinite(e.F) || e.F > f0 + C1 * a * slope0 || e.F >= fLo)
            {
                hi = a;
                fHi = e.F;
                sHi = e.Slope;
            }
            else
            {
                best = (e.X, e.F, e.G);
                if (Math.Abs(e.Slope) <= -C2 * slope0) return best;
                if (e.Slope * (hi - lo) >= 0)
                {
                    hi = lo;
                    fHi = fLo;
                    sHi = sLo;
                }
                lo = a;
                fLo = e.F;
                sLo = e.Slope;
            }
            if (Math.Abs(hi - lo) < 1e-16 * Math.Max(1, Math.Abs(lo))) break;
        }
        return best;  // a point with sufficient decrease, if the interval collapsed before the curvature condition
    }
}
