namespace Degenerate.Tensors;

// Differentiable operations. Each one is a single native call that returns a new tensor.
public sealed partial class Tensor
{
    private enum Unary
    {
        Neg, Exp, Log, Sigmoid, Tanh, Relu, Softplus, Elu, Gelu, Abs, Sqrt, Square, LogSigmoid, Log1p, Sign,
        Reciprocal, IsFinite, Round, Floor, Lgamma, Digamma, Expm1, LogicalNot,
    }

    private enum Binary
    {
        Add, Sub, Mul, Div, MatMul, Pow, Maximum, Minimum, Eq, Ne, Gt, Ge, Lt, Le, Xlogy, BceWithLogits,
        LogicalAnd, LogicalOr,
    }

    private enum ScalarOp { Add, Sub, RSub, Mul, Div, RDiv, Pow, ClampMin, ClampMax, Eq, Ne, Gt, Ge, Lt, Le, Elu, RPow }

    private enum Reduction { Sum, Mean, Max, Min, ArgMax, LogSumExp, Prod, Any, All, ArgMin, Norm2, AbsMax }

    private const long AllDims = long.MinValue;

    private Tensor Apply(Unary op)
    {
        Native.Check(Native.dg_unary((int)op, Handle, out var h));
        return new Tensor(h);
    }

    private static Tensor Apply(Binary op, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Native.Check(Native.dg_binary((int)op, a.Handle, b.Handle, out var h));
        return new Tensor(h);
    }

    private Tensor Apply(ScalarOp op, double s)
    {
        Native.Check(Native.dg_scalar((int)op, Handle, s, out var h));
        return new Tensor(h);
    }

    private Tensor Reduce(Reduction op, long dim, bool keepDim)
    {
        Native.Check(Native.dg_reduce((int)op, Handle, dim, keepDim ? 1 : 0, out var h));
        return new Tensor(h);
    }

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
        Native.Check(Native.dg_addmm(bias.Handle, Handle, weight.Handle, out var h));
        return new Tensor(h);
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
        Native.Check(Native.dg_clamp(Handle, min, max, out var h));
        return new Tensor(h);
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
        Native.Check(Native.dg_where(condition.Handle, a.Handle, b.Handle, out var h));
        return new Tensor(h);
    }

    /// <summary>Softmax along <paramref name="dim"/> (rows sum to 1).</summary>
    public Tensor Softmax(long dim = -1)
    {
        Native.Check(Native.dg_softmax(Handle, dim, 0, out var h));
        return new Tensor(h);
    }

    /// <summary>log(softmax(x)) along <paramref name="dim"/>, computed stably.</summary>
    public Tensor LogSoftmax(long dim = -1)
    {
        Native.Check(Native.dg_softmax(Handle, dim, 1, out var h));
        return new Tensor(h);
    }

    /// <summary>Zeroes each element with probability p and scales the rest by 1/(1−p) when training; identity otherwise.</summary>
    public Tensor Dropout(double p, bool training)
    {
        Native.Check(Native.dg_dropout(Handle, p, training ? 1 : 0, out var h));
        return new Tensor(h);
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
    public unsafe Tensor Reshape(params long[] shape)
    {
        TensorHandle h;
        fixed (long* s = shape)
        {
            Native.Check(Native.dg_reshape(Handle, s, shape.Length, out h));
        }
        return new Tensor(h);
    }

    /// <summary>Broadcasts to a larger shape without copying.</summary>
    public unsafe Tensor Expand(params long[] shape)
    {
        TensorHandle h;
        fixed (long* s = shape)
        {
            Native.Check(Native.dg_expand(Handle, s, shape.Length, out h));
        }
        return new Tensor(h);
    }

    /// <summary>Swaps two dimensions.</summary>
    public Tensor Transpose(long dim0, long dim1)
    {
        Native.Check(Native.dg_transpose(Handle, dim0, dim1, out var h));
        return new Tensor(h);
    }

    /// <summary>The transpose of a matrix.</summary>
    public Tensor T() => Transpose(0, 1);

    /// <summary>Inserts a dimension of size 1.</summary>
    public Tensor Unsqueeze(long dim)
    {
        Native.Check(Native.dg_unsqueeze(Handle, dim, out var h));
        return new Tensor(h);
    }

    /// <summary>Removes a dimension of size 1.</summary>
    public Tensor Squeeze(long dim)
    {
        Native.Check(Native.dg_squeeze(Handle, dim, out var h));
        return new Tensor(h);
    }

    /// <summary>Elements start..end-1 (step) along a dimension; a view, no copy.</summary>
    public Tensor Slice(long dim, long start, long end, long step = 1)
    {
        Native.Check(Native.dg_slice(Handle, dim, start, end, step, out var h));
        return new Tensor(h);
    }

    /// <summary>Rows (or entries along <paramref name="dim"/>) picked by an int64 index tensor, on the device.</summary>
    public Tensor IndexSelect(long dim, Tensor index)
    {
        Native.Check(Native.dg_index_select(Handle, dim, index.Handle, out var h));
        return new Tensor(h);
    }

    /// <summary>torch.gather along <paramref name="dim"/>.</summary>
    public Tensor Gather(long dim, Tensor index)
    {
        Native.Check(Native.dg_gather(Handle, dim, index.Handle, out var h));
        return new Tensor(h);
    }

    /// <summary>One-hot encoding of an int64 index tensor (int64 result with a trailing dimension of size classes).</summary>
    public Tensor OneHot(long classes)
    {
        Native.Check(Native.dg_one_hot(Handle, classes, out var h));
        return new Tensor(h);
    }

    /// <summary>Concatenates tensors along a dimension.</summary>
    public static unsafe Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var n = tensors.Count;
        var raw = new IntPtr[n];
        var added = new bool[n];
        try
        {
            for (var i = 0; i < n; i++)
            {
                tensors[i].Handle.DangerousAddRef(ref added[i]);
                raw[i] = tensors[i].Handle.DangerousGetHandle();
            }
            TensorHandle h;
            fixed (IntPtr* p = raw)
            {
                Native.Check(Native.dg_cat(p, n, dim, out h));
            }
            return new Tensor(h);
        }
        finally
        {
            for (var i = 0; i < n; i++)
                if (added[i]) tensors[i].Handle.DangerousRelease();
        }
    }

    // ---------------------------------------------------------------- linear algebra

    /// <summary>Lower Cholesky factor of a symmetric positive-definite matrix; null when it is not positive definite.</summary>
    public Tensor? Cholesky()
    {
        HostReads.Note();
        Native.Check(Native.dg_cholesky(Handle, out var h, out var info));
        var l = new Tensor(h);
        if (info == 0) return l;
        l.Dispose();
        return null;
    }

    /// <summary>Solves A x = b given this lower Cholesky factor L of A.</summary>
    public Tensor CholeskySolve(Tensor b)
    {
        Native.Check(Native.dg_cholesky_solve(b.Handle, Handle, out var h));
        return new Tensor(h);
    }

    /// <summary>A⁻¹ given this lower Cholesky factor L of A.</summary>
    public Tensor CholeskyInverse()
    {
        Native.Check(Native.dg_cholesky_inverse(Handle, out var h));
        return new Tensor(h);
    }

    /// <summary>Solves this · x = b.</summary>
    public Tensor Solve(Tensor b)
    {
        Native.Check(Native.dg_solve(Handle, b.Handle, out var h));
        return new Tensor(h);
    }

    /// <summary>Moore–Penrose pseudo-inverse.</summary>
    public Tensor PseudoInverse()
    {
        Native.Check(Native.dg_pinv(Handle, out var h));
        return new Tensor(h);
    }

    /// <summary>Numerical rank (singular values above rtol · largest).</summary>
    public long MatrixRank(double rtol)
    {
        HostReads.Note();
        Native.Check(Native.dg_matrix_rank(Handle, rtol, out var r));
        return r;
    }

    /// <summary>Eigenvalues of a symmetric matrix, ascending.</summary>
    public Tensor EigenvaluesSymmetric()
    {
        Native.Check(Native.dg_eigvalsh(Handle, out var h));
        return new Tensor(h);
    }

    /// <summary>The diagonal of a matrix, or a diagonal matrix from a vector.</summary>
    public Tensor Diag()
    {
        Native.Check(Native.dg_diag(Handle, out var h));
        return new Tensor(h);
    }
}
