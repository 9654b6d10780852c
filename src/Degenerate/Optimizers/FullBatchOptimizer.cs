using Degenerate.Tensors;

namespace Degenerate.Optimizers;

/// <summary>
/// An exact, full-batch solver (<see cref="Newton"/>, <see cref="LBFGS"/>). A model compiled with one trains in
/// float64 (Compile switches the model's dtype), <c>Fit</c> uses the whole training set as one batch, and each epoch
/// is one solver iteration; Fit stops early, logging it, once the solver has converged.
/// </summary>
public abstract class FullBatchOptimizer : Optimizer
{
    private List<Tensor>? _parameters;
    private long _iterations;

    /// <summary>Sets the convergence tolerance.</summary>
    protected FullBatchOptimizer(double tolerance) : base(1.0, null, null)
    {
        if (!(tolerance > 0) || !double.IsFinite(tolerance))
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must be a finite value > 0");
        Tolerance = tolerance;
    }

    /// <summary>The convergence tolerance (its meaning is the solver's).</summary>
    public double Tolerance { get; }

    /// <summary>Whether the last iteration met the convergence criterion.</summary>
    public bool Converged { get; private set; }

    /// <inheritdoc/>
    public override long Iterations => _iterations;

    internal override int NativeKind => -1;

    internal override double[] NativeHyperparameters => [];

    internal override void Build(IReadOnlyList<Tensor> parameters)
    {
        _parameters = parameters.ToList();
        _iterations = 0;
        Converged = false;
        Reset();
    }

    internal override bool IsBuilt => _parameters is not null;

    internal override void Step() =>
        throw new InvalidOperationException($"{Name} is a full-batch solver: it needs the loss function, which Model.Fit supplies");

    /// <summary>The parameters being optimized.</summary>
    protected IReadOnlyList<Tensor> Parameters =>
        _parameters ?? throw new InvalidOperationException("optimizer used before it was built by Compile/Fit");

    /// <summary>Forgets any state carried between iterations (called when the parameters are (re)bound).</summary>
    protected virtual void Reset() { }

    /// <summary>One iteration from the current parameters; <paramref name="loss"/> evaluates the full-batch loss
    /// with gradient recording on. Returns whether the solver has converged.</summary>
    internal bool Iterate(Func<Tensor> loss)
    {
        foreach (var p in Parameters)
        {
            if (p.DType != DType.Float64)
                throw new InvalidOperationException($"{Name} works in float64, but a parameter is {p.DType.Name()}: set model.DType = DType.Float64");
        }
        _iterations++;
        Stalled = null;
        Converged = IterateCore(loss);
        return Converged;
    }

    /// <summary>
    /// Why the last iteration could not lower the loss (it then left the parameters as they were), or null. Fit stops
    /// training and warns when it is set.
    /// </summary>
    public string? Stalled { get; protected set; }

    /// <summary>The solver's iteration.</summary>
    protected abstract bool IterateCore(Func<Tensor> loss);

    /// <summary>Adds <paramref name="step"/> (flat, parameters concatenated in order) to the parameters.</summary>
    protected void AddToParameters(Tensor step, double alpha = 1)
    {
        using var noGrad = Autograd.NoGrad();
        long offset = 0;
        foreach (var p in Parameters)
        {
            var n = p.NumElements;
            using var slice = step.Slice(0, offset, offset + n);
            using var shaped = slice.Reshape(p.Shape);
            p.AddInPlace(shaped, alpha);
            offset += n;
        }
    }

    /// <summary>The parameters flattened into one host array.</summary>
    protected double[] ReadParameters() =>
        Parameters.SelectMany(p =>
        {
            using var d = p.Detach();
            return d.ToArray<double>();
        }).ToArray();

    /// <summary>Overwrites the parameters from one flat host array.</summary>
    protected void WriteParameters(double[] values)
    {
        long offset = 0;
        foreach (var p in Parameters)
        {
            var n = (int)p.NumElements;
            using var t = Tensor.FromArray(values.AsSpan((int)offset, n).ToArray(), p.Shape, p.Device, DType.Float64);
            p.CopyFrom(t);
            offset += n;
        }
    }
}
