using Degenerate.Tensors;

namespace Degenerate.Optimizers;

/// <summary>
/// Limited-memory BFGS on the full batch with a strong-Wolfe line search (c₁ = 1e-4, c₂ = 0.9). Each model
/// evaluation (loss and autograd gradient) runs on libtorch tensors; the direction algebra runs on the flat parameter
/// vector. Converged when max |gradient| ≤ <see cref="FullBatchOptimizer.Tolerance"/> (default 1e-10, on Keras's
/// batch-mean loss) and the decrease a further quasi-Newton step promises is within the tolerance relative to the
/// loss (so features on tiny scales, whose gradients are tiny, do not stop it early). Each iteration lowers the loss
/// or leaves the parameters as they were: when no step lowers it before convergence,
/// <see cref="FullBatchOptimizer.Stalled"/> says why and Fit stops with a warning.
/// </summary>
public sealed class LBFGS : FullBatchOptimizer
{
    private LbfgsCore _core;
    private (double[] X, double F, double[] G)? _current;

    /// <summary>Creates the solver; <paramref name="historySize"/> (s, y) pairs shape the Hessian estimate.</summary>
    public LBFGS(double tolerance = 1e-10, int historySize = 10) : base(tolerance)
    {
        if (historySize <= 0) throw new ArgumentOutOfRangeException(nameof(historySize), historySize, "historySize must be > 0");
        HistorySize = historySize;
        _core = new LbfgsCore(historySize);
    }

    /// <summary>Number of (step, gradient change) pairs kept.</summary>
    public int HistorySize { get; }

    /// <inheritdoc/>
    public override string Name => "lbfgs";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["tolerance"] = Tolerance, ["history_size"] = HistorySize,
    };

    /// <inheritdoc/>
    protected override void Reset()
    {
        _core = new LbfgsCore(HistorySize);
        _current = null;
    }

    /// <inheritdoc/>
    protected override bool IterateCore(Func<Tensor> loss)
    {
        (double F, double[] G) Evaluate(double[] x)
        {
            WriteParameters(x);
            using var scope = new DisposeScope();
            var value = loss();
            var grads = Autograd.Grad(value, Parameters);
            var g = new List<double>();
            for (var i = 0; i < grads.Length; i++)
            {
                if (grads[i] is { } t) g.AddRange(t.ToArray<double>());
                else g.AddRange(new double[Parameters[i].NumElements]);
            }
            return (value.Item(), g.ToArray());
        }

        var x0 = ReadParameters();
        // The parameters may have been changed between epochs (callbacks, SetWeights): start afresh then.
        if (_current is not { } cur || !cur.X.AsSpan().SequenceEqual(x0))
        {
            var (f, g) = Evaluate(x0);
            _current = cur = (x0, f, g);
            _core.Clear();
        }
        else
        {
            // Fit reports the loss (and metrics) of an iteration's first evaluation: make that the current point's, not
            // the line search's first trial's (which may be higher). A forward pass only: the gradient is cached.
            using (Autograd.NoGrad())
            using (new DisposeScope()) loss();
        }
        if (Done(cur.F, cur.G))
        {
            WriteParameters(cur.X);
            return true;
        }
        var next = _core.Iterate(Evaluate, cur.X, cur.F, cur.G);
        // The line search only accepts points that lower the loss (Armijo); the check below guards that promise.
        if (next is not { } n || !(n.F <= cur.F))
        {
            // No step lowered the loss although the gradient is above the tolerance: rounding dominates (features on
            // scales far from 1) or the loss is not smooth. Keep the best point and say so, rather than call it converged.
            WriteParameters(cur.X);
            var gradient = cur.G.Max(Math.Abs);
            Stalled = FormattableString.Invariant(
                $"{Name}: no step along the search direction lowered the loss {cur.F:R} (max |gradient| = {gradient:G3}, tolerance {Tolerance:G3}); ") +
                "the parameters were left at the lowest loss found and training stopped " +
                "(features on very different scales make the problem ill-conditioned: standardize them)";
            return false;
        }
        WriteParameters(n.X);
        _current = (n.X, n.F, n.G);
        return Done(n.F, n.G);
    }

    // Converged: the gradient is within the tolerance and so is the decrease a quasi-Newton step still promises
    // (relative to the loss). The second condition keeps a fit on features scaled by 1e-12, whose gradient is tiny
    // everywhere, from stopping at its start; it needs curvature pairs, so only an exactly zero gradient stops at once.
    private bool Done(double f, double[] g)
    {
        var largest = g.Max(Math.Abs);
        return largest == 0 || (largest <= Tolerance && _core.PredictedDecrease(g) <= Tolerance * Math.Max(1, Math.Abs(f)));
    }
}
