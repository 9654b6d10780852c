using Degenerate.Tensors;

namespace Degenerate.Optimizers;

/// <summary>
/// Limited-memory BFGS on the full batch with a strong-Wolfe line search (c₁ = 1e-4, c₂ = 0.9). Each model
/// evaluation (loss and autograd gradient) runs on libtorch tensors; the direction algebra runs on the flat parameter
/// vector. Converged when max |gradient| ≤ <see cref="FullBatchOptimizer.Tolerance"/> (default 1e-10, on Keras's
/// batch-mean loss) or when no step decreases the loss any more.
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
        if (cur.G.Max(Math.Abs) <= Tolerance)
        {
            WriteParameters(cur.X);
            return true;
        }
        var next = _core.Iterate(Evaluate, cur.X, cur.F, cur.G);
        if (next is not { } n)
        {
            WriteParameters(cur.X);  // no decrease possible: the loss is at its numerical minimum along every direction tried
            return true;
        }
        WriteParameters(n.X);
        _current = (n.X, n.F, n.G);
        return n.G.Max(Math.Abs) <= Tolerance;
    }
}
