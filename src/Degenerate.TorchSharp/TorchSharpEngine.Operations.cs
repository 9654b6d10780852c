using Degenerate.Tensors;
using Degenerate.Tensors.Engines;
using TorchSharp;
using static TorchSharp.torch.nn.functional;
using TTensor = TorchSharp.torch.Tensor;

namespace Degenerate.Engines.TorchSharp;

// Differentiable operations, linear algebra and autograd, each the TorchSharp call matching the native shim's
// libtorch call (ops.cpp, linalg.cpp, autograd.cpp), so both engines compute the same thing.
internal sealed partial class TorchSharpEngine
{
    public EngineTensor Unary(UnaryOp op, EngineTensor a)
    {
        var x = T(a);
        return Run(() => op switch
        {
            UnaryOp.Neg => x.neg(),
            UnaryOp.Exp => x.exp(),
            UnaryOp.Log => x.log(),
            UnaryOp.Sigmoid => x.sigmoid(),
            UnaryOp.Tanh => x.tanh(),
            UnaryOp.Relu => x.relu(),
            UnaryOp.Softplus => softplus(x),
            UnaryOp.Elu => elu(x, 1.0, false),
            UnaryOp.Gelu => gelu(x),
            UnaryOp.Abs => x.abs(),
            UnaryOp.Sqrt => x.sqrt(),
            UnaryOp.Square => x.square(),
            UnaryOp.LogSigmoid => logsigmoid(x),
            UnaryOp.Log1p => x.log1p(),
            UnaryOp.Sign => x.sign(),
            UnaryOp.Reciprocal => x.reciprocal(),
            UnaryOp.IsFinite => x.isfinite(),
            UnaryOp.Round => x.round(),
            UnaryOp.Floor => x.floor(),
            UnaryOp.Lgamma => x.lgamma(),
            UnaryOp.Digamma => x.digamma(),
            UnaryOp.Expm1 => x.expm1(),
            UnaryOp.LogicalNot => x.logical_not(),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown unary operation"),
        });
    }

    public EngineTensor Binary(BinaryOp op, EngineTensor a, EngineTensor b)
    {
        var x = T(a);
        var y = T(b);
        if (op == BinaryOp.MatMul)
        {
            // TorchSharp's matmul has no error guard: a libtorch error inside it would end the process.
            try
            {
                GuardedOps.CheckMatmul(x, y);
            }
            catch (ArgumentException e)
            {
                throw new TorchException(e.Message);
            }
        }
        return Run(() => op switch
        {
            BinaryOp.Add => x.add(y),
            BinaryOp.Sub => x.sub(y),
            BinaryOp.Mul => x.mul(y),
            BinaryOp.Div => x.div(y),
            BinaryOp.MatMul => x.matmul(y),
            BinaryOp.Pow => x.pow(y),
            BinaryOp.Maximum => x.maximum(y),
            BinaryOp.Minimum => x.minimum(y),
            BinaryOp.Eq => x.eq(y),
            BinaryOp.Ne => x.ne(y),
            BinaryOp.Gt => x.gt(y),
            BinaryOp.Ge => x.ge(y),
            BinaryOp.Lt => x.lt(y),
            BinaryOp.Le => x.le(y),
            BinaryOp.Xlogy => x.xlogy(y),
            BinaryOp.BceWithLogits => binary_cross_entropy_with_logits(x, y, reduction: torch.nn.Reduction.None),
            BinaryOp.LogicalAnd => x.logical_and(y),
            BinaryOp.LogicalOr => x.logical_or(y),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown binary operation"),
        });
    }

    public EngineTensor Scalar(ScalarOp op, EngineTensor a, double s)
    {
        var x = T(a);
        return Run(() =>
        {
            using var v = s.ToScalar();
            return op switch
            {
                ScalarOp.Add => x.add(v),
                ScalarOp.Sub => x.sub(v),
                ScalarOp.RSub => Rsub(x, s),
                ScalarOp.Mul => x.mul(v),
                ScalarOp.Div => x.div(v),
                ScalarOp.RDiv => RDiv(x, v),
                ScalarOp.Pow => x.pow(v),
                ScalarOp.ClampMin => x.clamp_min(v),
                ScalarOp.ClampMax => x.clamp_max(v),
                ScalarOp.Eq => x.eq(v),
                ScalarOp.Ne => x.ne(v),
                ScalarOp.Gt => x.gt(v),
                ScalarOp.Ge => x.ge(v),
                ScalarOp.Lt => x.lt(v),
                ScalarOp.Le => x.le(v),
                ScalarOp.Elu => elu(x, s, false),
                ScalarOp.RPow => RPow(x, s),
                _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown scalar operation"),
            };
        });
    }

    // s − x, as at::rsub: −x + s keeps the same rounding (one negation is exact).
    private static TTensor Rsub(TTensor x, double s)
    {
        using var negated = x.neg();
        return negated.add(s);
    }

    // s / x as the shim computes it: reciprocal, then scale.
    private static TTensor RDiv(TTensor x, global::TorchSharp.Scalar s)
    {
        using var r = x.reciprocal();
        return r.mul(s);
    }

    // s ** x (a tensor exponent over a scalar base).
    private static TTensor RPow(TTensor x, double s)
    {
        using var b = torch.full(x.shape, s, x.dtype, x.device);
        return b.pow(x);
    }

    public EngineTensor Reduce(ReduceOp op, EngineTensor a, long dim, bool keepDim)
    {
        var x = T(a);
        var all = dim == long.MinValue;
        return Run(() => op switch
        {
            ReduceOp.Sum => all ? x.sum() : x.sum([dim], keepDim),
            ReduceOp.Mean => all ? x.mean() : x.mean([dim], keepDim),
            ReduceOp.Max => all ? x.max() : x.max(dim, keepDim).values,
            ReduceOp.Min => all ? x.min() : x.min(dim, keepDim).values,
            ReduceOp.ArgMax => all ? x.argmax() : x.argmax(dim, keepDim),
            ReduceOp.ArgMin => all ? x.argmin() : x.argmin(dim, keepDim),
            ReduceOp.LogSumExp => all ? LogSumExpAll(x) : x.logsumexp(dim, keepDim),
            ReduceOp.Prod => all ? x.prod() : x.prod(dim, keepDim),
            ReduceOp.Any => all ? x.any() : x.any(dim, keepDim),
            ReduceOp.All => all ? x.all() : x.all(dim, keepDim),
            ReduceOp.Norm2 => all ? x.norm() : x.norm((int)dim, keepDim),
            ReduceOp.AbsMax => AbsMax(x, all, dim, keepDim),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown reduction"),
        });
    }

    private static TTensor LogSumExpAll(TTensor x)
    {
        using var flat = x.reshape(-1);
        return flat.logsumexp(0, false);
    }

    private static TTensor AbsMax(TTensor x, bool all, long dim, bool keepDim)
    {
        using var abs = x.abs();
        return all ? abs.max() : abs.max(dim, keepDim).values;
    }

    public EngineTensor Softmax(EngineTensor a, long dim, bool log)
    {
        var x = T(a);
        return Run(() => log ? x.log_softmax(dim) : x.softmax(dim));
    }

    public EngineTensor AddMM(EngineTensor bias, EngineTensor x, EngineTensor weight)
    {
        var b = T(bias);
        var m = T(x);
        var w = T(weight);
        return Run(() => b.addmm(m, w));
    }

    public EngineTensor Clamp(EngineTensor a, double min, double max)
    {
        var x = T(a);
        return Run(() => x.clamp(min, max));
    }

    public EngineTensor Where(EngineTensor condition, EngineTensor a, EngineTensor b)
    {
        var c = T(condition);
        var x = T(a);
        var y = T(b);
        return Run(() => torch.where(c, x, y));
    }

    public EngineTensor Reshape(EngineTensor a, ReadOnlySpan<long> shape)
    {
        var x = T(a);
        var dims = shape.ToArray();
        return Run(() => x.reshape(dims));
    }

    public EngineTensor Expand(EngineTensor a, ReadOnlySpan<long> shape)
    {
        var x = T(a);
        var dims = shape.ToArray();
        return Run(() => x.expand(dims));
    }

    public EngineTensor Transpose(EngineTensor a, long dim0, long dim1)
    {
        var x = T(a);
        return Run(() => x.transpose(dim0, dim1));
    }

    public EngineTensor Unsqueeze(EngineTensor a, long dim)
    {
        var x = T(a);
        return Run(() => x.unsqueeze(dim));
    }

    public EngineTensor Squeeze(EngineTensor a, long dim)
    {
        var x = T(a);
        return Run(() => x.squeeze(dim));
    }

    public EngineTensor Slice(EngineTensor a, long dim, long start, long end, long step)
    {
        var x = T(a);
        return Run(() => x.slice(dim, start, end, step));
    }

    public EngineTensor IndexSelect(EngineTensor a, long dim, EngineTensor index)
    {
        var x = T(a);
        var i = T(index);
        return Run(() => x.index_select(dim, i));
    }

    public EngineTensor Gather(EngineTensor a, long dim, EngineTensor index)
    {
        var x = T(a);
        var i = T(index);
        return Run(() => x.gather(dim, i));
    }

    public EngineTensor OneHot(EngineTensor index, long classes)
    {
        var i = T(index);
        return Run(() => one_hot(i, classes));
    }

    public EngineTensor Cat(IReadOnlyList<EngineTensor> tensors, long dim)
    {
        var parts = tensors.Select(T).ToArray();
        return Run(() => torch.cat(parts, dim));
    }

    public EngineTensor Dropout(EngineTensor a, double p, bool training)
    {
        var x = T(a);
        return Run(() => dropout(x, p, training));
    }

    // ---- linear algebra ----

    public (EngineTensor Factor, bool PositiveDefinite) Cholesky(EngineTensor a)
    {
        var x = T(a);
        return Run(() =>
        {
            var (l, info) = torch.linalg.cholesky_ex(x);
            using (info) return (Wrap(l), info.item<int>() == 0);
        });
    }

    public EngineTensor CholeskySolve(EngineTensor b, EngineTensor factor)
    {
        var y = T(b);
        var l = T(factor);
        return Run(() => y.cholesky_solve(l));
    }

    public EngineTensor CholeskyInverse(EngineTensor factor)
    {
        var l = T(factor);
        return Run(() => l.cholesky_inverse());
    }

    public EngineTensor Solve(EngineTensor a, EngineTensor b)
    {
        var x = T(a);
        var y = T(b);
        return Run(() => torch.linalg.solve(x, y));
    }

    public EngineTensor PseudoInverse(EngineTensor a)
    {
        var x = T(a);
        return Run(() => torch.linalg.pinv(x));
    }

    public long MatrixRank(EngineTensor a, double rtol)
    {
        var x = T(a);
        return Run(() =>
        {
            using var rank = torch.linalg.matrix_rank(x, atol: 0.0, rtol: rtol);
            return rank.item<long>();
        });
    }

    public EngineTensor EigenvaluesSymmetric(EngineTensor a)
    {
        var x = T(a);
        return Run(() => torch.linalg.eigvalsh(x));
    }

    public EngineTensor Diag(EngineTensor a)
    {
        var x = T(a);
        return Run(() => x.diag());
    }

    // ---- autograd ----

    public bool RequiresGrad(EngineTensor t) => T(t).requires_grad;

    public void SetRequiresGrad(EngineTensor t, bool requiresGrad)
    {
        var x = T(t);
        Run(() => x.requires_grad = requiresGrad);
    }

    public void Backward(EngineTensor t)
    {
        var x = T(t);
        Run(() => x.backward());
    }

    public EngineTensor? Grad(EngineTensor t)
    {
        var x = T(t);
        var g = Run<TTensor?>(() => x.grad);
        return g is null ? null : new TorchSharpTensor(g);
    }

    public void ClearGrad(EngineTensor t)
    {
        var x = T(t);
        Run(() => { x.grad = null; });
    }

    public EngineTensor?[] AutogradGrad(EngineTensor output, IReadOnlyList<EngineTensor> inputs, bool createGraph)
    {
        var y = T(output);
        var xs = inputs.Select(T).ToArray();
        var grads = Run<IList<TTensor>>(() => torch.autograd.grad([y], xs, retain_graph: createGraph, create_graph: createGraph, allow_unused: true));
        return grads.Select(g => g is null || g.IsInvalid ? null : (EngineTensor)new TorchSharpTensor(g)).ToArray();
    }

    public (EngineTensor Gradient, EngineTensor Hessian) Hessian(EngineTensor output, IReadOnlyList<EngineTensor> inputs)
    {
        var y = T(output);
        var xs = inputs.Select(T).ToArray();
        return Run(() =>
        {
            using var scope = torch.NewDisposeScope();
            var grads = torch.autograd.grad([y], xs, retain_graph: true, create_graph: true, allow_unused: true);
            var flat = new TTensor[xs.Length];
            for (var i = 0; i < xs.Length; i++)
                flat[i] = grads[i] is { IsInvalid: false } g ? g.reshape(-1) : torch.zeros(xs[i].NumberOfElements, xs[i].dtype, xs[i].device);
            var gradient = torch.cat(flat, 0);
            var size = gradient.shape[0];
            var hessian = torch.zeros([size, size], gradient.dtype, gradient.device);
            for (long r = 0; r < size; r++)
            {
                var element = gradient[r];
                if (!element.requires_grad)
                    throw new ArgumentException("the loss has no second derivative with respect to the parameters (an operation in it is " +
                        "not twice differentiable in libtorch, or the loss is linear in them)");
                var row = torch.autograd.grad([element], xs, retain_graph: true, create_graph: false, allow_unused: true);
                long offset = 0;
                for (var i = 0; i < xs.Length; i++)
                {
                    var length = xs[i].NumberOfElements;
                    if (row[i] is { IsInvalid: false } part)
                    {
                        using var noGrad = torch.no_grad();
                        hessian[r].narrow(0, offset, length).copy_(part.reshape(-1));
                    }
                    offset += length;
                }
            }
            var g0 = gradient.detach().MoveToOuterDisposeScope();
            var h0 = hessian.MoveToOuterDisposeScope();
            return (Wrap(g0), Wrap(h0));
        });
    }
}
