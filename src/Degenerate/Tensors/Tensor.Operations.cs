using Degenerate.Tensors.Engines;

namespace Degenerate.Tensors;

using Unary = Degenerate.Tensors.Engines.UnaryOp;
using Binary = Degenerate.Tensors.Engines.BinaryOp;
using Reduction = Degenerate.Tensors.Engines.ReduceOp;

// Differentiable operations. Each one is a single engine call that returns a new tensor.
public sealed partial class Tensor
{
    private const long AllDims = long.MinValue;

    private Tensor Apply(Unary op) => new(E.Unary(op, Handle));

    private static Tensor Apply(Binary op, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new Tensor(E.Binary(op, a.Handle, b.Handle));
    }

    private Tensor Apply(ScalarOp op, double s) => new(E.Scalar(op, Handle, s));

    private Tensor Reduce(Reduction op, long dim, bool keepDim) => new(E.Reduce(op, Handle, dim, keepDim));

    /// <summary>Element-wise sum (broadcasting).</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Apply(Binary.Add, a, b);
    /// <summary>Element-wise difference (broadcasting).</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Apply(Binary.Sub, a, b);
    /// <summary>Element-wise product (broadcasting).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Apply(Binary.Mul, a, b);
    /// <summary>Element-wise quotient (broadcasting).</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Apply(Binary.Div, a, b);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => a.Apply(ScalarOp.Add, s);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double s, Tensor a) => a.Apply(ScalarOp.Add, s);
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => a.Apply(ScalarOp.Sub, s);
    /// <summary>A scalar minus each element.</summary>
    public static Tensor operator -(double s, Tensor a) => a.Apply(ScalarOp.RSub, s);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => a.Apply(ScalarOp.Mul, s);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double s, Tensor a) => a.Apply(ScalarOp.Mul, s);
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => a.Apply(ScalarOp.Div, s);
    /// <summary>A scalar divided by each element.</summary>
    public static Tensor operator /(double s, Tensor a) => a.Apply(ScalarOp.RDiv, s);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Apply(Unary.Neg);

    /// <summary>Matrix product (numpy/PyTorch matmul semantics).</summary>
    public Tensor MatMul(Tensor other) => Apply(Binary.MatMul, this, other);

    /// <summary>bias + this @ weight in one fused call (the Dense layer's affine map).</summary>
    public Tensor AddMM(Tensor weight, Tensor bias)
    {
        return new Tensor(E.AddMM(bias.Handle, Handle, weight.Handle));
    }

    /// <summary>e^x.</summary>
    public Tensor Exp() => Apply(Unary.Exp);
    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Apply(Unary.Log);
    /// <summary>log(1 + x), accurate near 0.</summary>
    public Tensor Log1p() => Apply(Unary.Log1p);
    /// <summary>e^x - 1, accurate near 0.</summary>
    public Tensor Expm1() => Apply(Unary.Expm1);
    /// <summary>Logistic function 1 / (1 + e^-x).</summary>
    public Tensor Sigmoid() => Apply(Unary.Sigmoid);
    /// <summary>log(sigmoid(x)), computed stably.</summary>
    public Tensor LogSigmoid() => Apply(Unary.LogSigmoid);
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Apply(Unary.Tanh);
    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Apply(Unary.Relu);
    /// <summary>log(1 + e^x).</summary>
    public Tensor Softplus() => Apply(Unary.Softplus);
    /// <summary>Exponential linear unit with the given alpha.</summary>
    public Tensor Elu(double alpha = 1.0) => alpha == 1.0 ? Apply(Unary.Elu) : Apply(ScalarOp.Elu, alpha);
    /// <summary>Gaussian error linear unit (exact, erf form).</summary>
    public Tensor Gelu() => Apply(Unary.Gelu);
    /// <summary>Absolute value.</summary>
    public Tensor Abs() => Apply(Unary.Abs);
    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Apply(Unary.Sqrt);
    /// <summary>x².</summary>
    public Tensor Square() => Apply(Unary.Square);
    /// <summary>Sign (-1, 0, 1).</summary>
    public Tensor Sign() => Apply(Unary.Sign);
    /// <summary>1/x.</summary>
    public Tensor Reciprocal() => Apply(Unary.Reciprocal);
    /// <summary>Element-wise finiteness (bool).</summary>
    public Tensor IsFinite() => Apply(Unary.IsFinite);
    /// <summary>Rounds half to even.</summary>
    public Tensor Round() => Apply(Unary.Round);
    /// <summary>Floor.</summary>
    public Tensor Floor() => Apply(Unary.Floor);
    /// <summary>log Γ(x).</summary>
    public Tensor Lgamma() => Apply(Unary.Lgamma);
    /// <summary>ψ(x), the derivative of log Γ.</summary>
    public Tensor Digamma() => Apply(Unary.Digamma);
    /// <summary>Logical not of a bool tensor.</summary>
    public Tensor LogicalNot() => Apply(Unary.LogicalNot);
    /// <summary>x^exponent.</summary>
    public Tensor Pow(double exponent) => Apply(ScalarOp.Pow, exponent);
    /// <summary>x^exponent element-wise.</summary>
    public Tensor Pow(Tensor exponent) => Apply(Binary.Pow, this, exponent);
    /// <summary>x · log(y), defined as 0 where x = 0.</summary>
    public Tensor Xlogy(Tensor y) => Apply(Binary.Xlogy, this, y);
    /// <summary>Element-wise maximum.</summary>
    public Tensor Maximum(Tensor other) => Apply(Binary.Maximum, this, other);
    /// <summary>Element-wise minimum.</summary>
    public Tensor Minimum(Tensor other) => Apply(Binary.Minimum, this, other);
    /// <summary>max(x, min).</summary>
    public Tensor ClampMin(double min) => Apply(ScalarOp.ClampMin, min);
    /// <summary>min(x, max).</summary>
    public Tensor ClampMax(double max) => Apply(ScalarOp.ClampMax, max);

    /// <summary>Limits every element to [min, max].</summary>
    public Tensor Clamp(double min, double max)
    {
        return new Tensor(E.Clamp(Handle, min, max));
    }

    /// <summary>
    /// Per-element binary cross-entropy of these logits against <paramref name="targets"/>:
    /// max(z,0) - z·y + log(1 + e^-|z|), stable for any z.
    /// </summary>
    public Tensor BinaryCrossEntropyWithLogits(Tensor targets) => Apply(Binary.BceWithLogits, this, targets);

    /// <summary>Element-wise x == y (bool).</summary>
    public Tensor Eq(Tensor other) => Apply(Binary.Eq, this, other);
    /// <summary>Element-wise x != y (bool).</summary>
    public Tensor Ne(Tensor other) => Apply(Binary.Ne, this, other);
    /// <summary>Element-wise x &gt; y (bool).</summary>
    public Tensor Gt(Tensor other) => Apply(Binary.Gt, this, other);
    /// <summary>Element-wise x &lt; y (bool).</summary>
    public Tensor Lt(Tensor other) => Apply(Binary.Lt, this, other);
    /// <summary>Element-wise x == s (bool).</summary>
    public Tensor Eq(double s) => Apply(ScalarOp.Eq, s);
    /// <summary>Element-wise x &gt; s (bool).</summary>
    public Tensor Gt(double s) => Apply(ScalarOp.Gt, s);
    /// <summary>Element-wise x &gt;= s (bool).</summary>
    public Tensor Ge(double s) => Apply(ScalarOp.Ge, s);
    /// <summary>Element-wise x &lt; s (bool).</summary>
    public Tensor Lt(double s) => Apply(ScalarOp.Lt, s);
    /// <summary>Element-wise x &lt;= s (bool).</summary>
    public Tensor Le(double s) => Apply(ScalarOp.Le, s);
    /// <summary>Element-wise logical and.</summary>
    public Tensor LogicalAnd(Tensor other) => Apply(Binary.LogicalAnd, this, other);
    /// <summary>Element-wise logical or.</summary>
    public Tensor LogicalOr(Tensor other) => Apply(Binary.LogicalOr, this, other);

    /// <summary>Picks from <paramref name="a"/> where <paramref name="condition"/> holds, else from <paramref name="b"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        return new Tensor(E.Where(condition.Handle, a.Handle, b.Handle));
    }

    /// <summary>Softmax along <paramref name="dim"/> (rows sum to 1).</summary>
    public Tensor Softmax(long dim = -1)
    {
        return new Tensor(E.Softmax(Handle, dim, false));
    }

    /// <summary>log(softmax(x)) along <paramref name="dim"/>, computed stably.</summary>
    public Tensor LogSoftmax(long dim = -1)
    {
        return new Tensor(E.Softmax(Handle, dim, true));
    }

    /// <summary>Zeroes each element with probability p and scales the rest by 1/(1−p) when training; identity otherwise.</summary>
    public Tensor Dropout(double p, bool training)
    {
        return new Tensor(E.Dropout(Handle, p, training));
    }

    // ---------------------------------------------------------------- reductions

    /// <summary>Sum of all elements.</summary>
    public Tensor Sum() => Reduce(Reduction.Sum, AllDims, false);
    /// <summary>Sum along a dimension.</summary>
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(Reduction.Sum, dim, keepDim);
    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Reduce(Reduction.Mean, AllDims, false);
    /// <summary>Mean along a dimension.</summary>
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(Reduction.Mean, dim, keepDim);
    /// <summary>Largest element.</summary>
    public Tensor Max() => Reduce(Reduction.Max, AllDims, false);
    /// <summary>Largest element along a dimension.</summary>
    public Tensor Max(long dim, bool keepDim = false) => Reduce(Reduction.Max, dim, keepDim);
    /// <summary>Smallest element.</summary>
    public Tensor Min() => Reduce(Reduction.Min, AllDims, false);
    /// <summary>Smallest element along a dimension.</summary>
    public Tensor Min(long dim, bool keepDim = false) => Reduce(Reduction.Min, dim, keepDim);
    /// <summary>Index of the largest element along a dimension (int64).</summary>
    public Tensor ArgMax(long dim, bool keepDim = false) => Reduce(Reduction.ArgMax, dim, keepDim);
    /// <summary>log Σ e^x along a dimension, computed stably.</summary>
    public Tensor LogSumExp(long dim, bool keepDim = false) => Reduce(Reduction.LogSumExp, dim, keepDim);
    /// <summary>True if any element is true/non-zero.</summary>
    public Tensor Any() => Reduce(Reduction.Any, AllDims, false);
    /// <summary>Euclidean norm of all elements.</summary>
    public Tensor Norm() => Reduce(Reduction.Norm2, AllDims, false);
    /// <summary>max |x| over all elements.</summary>
    public Tensor AbsMax() => Reduce(Reduction.AbsMax, AllDims, false);

    // ---------------------------------------------------------------- shape

    /// <summary>The same elements in a new shape (-1 infers one dimension).</summary>
    public Tensor Reshape(params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new Tensor(E.Reshape(Handle, shape));
    }

    /// <summary>Broadcasts to a larger shape without copying.</summary>
    public Tensor Expand(params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new Tensor(E.Expand(Handle, shape));
    }

    /// <summary>Swaps two dimensions.</summary>
    public Tensor Transpose(long dim0, long dim1)
    {
        return new Tensor(E.Transpose(Handle, dim0, dim1));
    }

    /// <summary>The transpose of a matrix.</summary>
    public Tensor T() => Transpose(0, 1);

    /// <summary>Inserts a dimension of size 1.</summary>
    public Tensor Unsqueeze(long dim)
    {
        return new Tensor(E.Unsqueeze(Handle, dim));
    }

    /// <summary>Removes a dimension of size 1.</summary>
    public Tensor Squeeze(long dim)
    {
        return new Tensor(E.Squeeze(Handle, dim));
    }

    /// <summary>Elements start..end-1 (step) along a dimension; a view, no copy.</summary>
    public Tensor Slice(long dim, long start, long end, long step = 1)
    {
        return new Tensor(E.Slice(Handle, dim, start, end, step));
    }

    /// <summary>Rows (or entries along <paramref name="dim"/>) picked by an int64 index tensor, on the device.</summary>
    public Tensor IndexSelect(long dim, Tensor index)
    {
        return new Tensor(E.IndexSelect(Handle, dim, index.Handle));
    }

    /// <summary>torch.gather along <paramref name="dim"/>.</summary>
    public Tensor Gather(long dim, Tensor index)
    {
        return new Tensor(E.Gather(Handle, dim, index.Handle));
    }

    /// <summary>One-hot encoding of an int64 index tensor (int64 result with a trailing dimension of size classes).</summary>
    public Tensor OneHot(long classes)
    {
        return new Tensor(E.OneHot(Handle, classes));
    }

    /// <summary>Concatenates tensors along a dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var handles = new EngineTensor[tensors.Count];
        for (var i = 0; i < handles.Length; i++)
            handles[i] = (tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"tensors[{i}] is null")).Handle;
        return new Tensor(E.Cat(handles, dim));
    }

    // ---------------------------------------------------------------- linear algebra

    /// <summary>Lower Cholesky factor of a symmetric positive-definite matrix; null when it is not positive definite.</summary>
    public Tensor? Cholesky()
    {
        HostReads.Note();
        var (factor, positiveDefinite) = E.Cholesky(Handle);
        var l = new Tensor(factor);
        if (positiveDefinite) return l;
        l.Dispose();
        return null;
    }

    /// <summary>Solves A x = b given this lower Cholesky factor L of A.</summary>
    public Tensor CholeskySolve(Tensor b)
    {
        return new Tensor(E.CholeskySolve(b.Handle, Handle));
    }

    /// <summary>A⁻¹ given this lower Cholesky factor L of A.</summary>
    public Tensor CholeskyInverse()
    {
        return new Tensor(E.CholeskyInverse(Handle));
    }

    /// <summary>Solves this · x = b.</summary>
    public Tensor Solve(Tensor b)
    {
        return new Tensor(E.Solve(Handle, b.Handle));
    }

    /// <summary>Moore–Penrose pseudo-inverse.</summary>
    public Tensor PseudoInverse()
    {
        return new Tensor(E.PseudoInverse(Handle));
    }

    /// <summary>Numerical rank (singular values above rtol · largest).</summary>
    public long MatrixRank(double rtol)
    {
        HostReads.Note();
        return E.MatrixRank(Handle, rtol);
    }

    /// <summary>Eigenvalues of a symmetric matrix, ascending.</summary>
    public Tensor EigenvaluesSymmetric()
    {
        return new Tensor(E.EigenvaluesSymmetric(Handle));
    }

    /// <summary>The diagonal of a matrix, or a diagonal matrix from a vector.</summary>
    public Tensor Diag()
    {
        return new Tensor(E.Diag(Handle));
    }
}
