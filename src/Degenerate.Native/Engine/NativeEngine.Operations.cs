using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

// Differentiable operations, linear algebra and autograd: one shim call each.
internal sealed partial class NativeEngine
{
    public EngineTensor Unary(UnaryOp op, EngineTensor a) => Checked(Native.dg_unary((int)op, H(a), out var h), h);

    public EngineTensor Binary(BinaryOp op, EngineTensor a, EngineTensor b) =>
        Checked(Native.dg_binary((int)op, H(a), H(b), out var h), h);

    public EngineTensor Scalar(ScalarOp op, EngineTensor a, double s) => Checked(Native.dg_scalar((int)op, H(a), s, out var h), h);

    public EngineTensor Reduce(ReduceOp op, EngineTensor a, long dim, bool keepDim) =>
        Checked(Native.dg_reduce((int)op, H(a), dim, keepDim ? 1 : 0, out var h), h);

    public EngineTensor Softmax(EngineTensor a, long dim, bool log) => Checked(Native.dg_softmax(H(a), dim, log ? 1 : 0, out var h), h);

    public EngineTensor AddMM(EngineTensor bias, EngineTensor x, EngineTensor weight) =>
        Checked(Native.dg_addmm(H(bias), H(x), H(weight), out var h), h);

    public EngineTensor Clamp(EngineTensor a, double min, double max) => Checked(Native.dg_clamp(H(a), min, max, out var h), h);

    public EngineTensor Where(EngineTensor condition, EngineTensor a, EngineTensor b) =>
        Checked(Native.dg_where(H(condition), H(a), H(b), out var h), h);

    public unsafe EngineTensor Reshape(EngineTensor a, ReadOnlySpan<long> shape)
    {
        fixed (long* s = shape) return Checked(Native.dg_reshape(H(a), s, shape.Length, out var h), h);
    }

    public unsafe EngineTensor Expand(EngineTensor a, ReadOnlySpan<long> shape)
    {
        fixed (long* s = shape) return Checked(Native.dg_expand(H(a), s, shape.Length, out var h), h);
    }

    public EngineTensor Transpose(EngineTensor a, long dim0, long dim1) => Checked(Native.dg_transpose(H(a), dim0, dim1, out var h), h);

    public EngineTensor Unsqueeze(EngineTensor a, long dim) => Checked(Native.dg_unsqueeze(H(a), dim, out var h), h);

    public EngineTensor Squeeze(EngineTensor a, long dim) => Checked(Native.dg_squeeze(H(a), dim, out var h), h);

    public EngineTensor Slice(EngineTensor a, long dim, long start, long end, long step) =>
        Checked(Native.dg_slice(H(a), dim, start, end, step, out var h), h);

    public EngineTensor IndexSelect(EngineTensor a, long dim, EngineTensor index) =>
        Checked(Native.dg_index_select(H(a), dim, H(index), out var h), h);

    public EngineTensor Gather(EngineTensor a, long dim, EngineTensor index) => Checked(Native.dg_gather(H(a), dim, H(index), out var h), h);

    public EngineTensor OneHot(EngineTensor index, long classes) => Checked(Native.dg_one_hot(H(index), classes, out var h), h);

    public unsafe EngineTensor Cat(IReadOnlyList<EngineTensor> tensors, long dim)
    {
        using var handles = new HandleArray(tensors);
        fixed (IntPtr* p = handles.Pointers) return Checked(Native.dg_cat(p, tensors.Count, dim, out var h), h);
    }

    public EngineTensor Dropout(EngineTensor a, double p, bool training) => Checked(Native.dg_dropout(H(a), p, training ? 1 : 0, out var h), h);

    // ---- linear algebra ----

    public (EngineTensor Factor, bool PositiveDefinite) Cholesky(EngineTensor a)
    {
        var status = Native.dg_cholesky(H(a), out var h, out var info);
        return (Checked(status, h), info == 0);
    }

    public EngineTensor CholeskySolve(EngineTensor b, EngineTensor factor) => Checked(Native.dg_cholesky_solve(H(b), H(factor), out var h), h);

    public EngineTensor CholeskyInverse(EngineTensor factor) => Checked(Native.dg_cholesky_inverse(H(factor), out var h), h);

    public EngineTensor Solve(EngineTensor a, EngineTensor b) => Checked(Native.dg_solve(H(a), H(b), out var h), h);

    public EngineTensor PseudoInverse(EngineTensor a) => Checked(Native.dg_pinv(H(a), out var h), h);

    public long MatrixRank(EngineTensor a, double rtol)
    {
        Native.Check(Native.dg_matrix_rank(H(a), rtol, out var r));
        return r;
    }

    public EngineTensor EigenvaluesSymmetric(EngineTensor a) => Checked(Native.dg_eigvalsh(H(a), out var h), h);

    public EngineTensor Diag(EngineTensor a) => Checked(Native.dg_diag(H(a), out var h), h);

    // ---- autograd ----

    public bool RequiresGrad(EngineTensor t)
    {
        Native.Check(Native.dg_requires_grad(H(t), out var r));
        return r != 0;
    }

    public void SetRequiresGrad(EngineTensor t, bool requiresGrad) => Native.Check(Native.dg_set_requires_grad(H(t), requiresGrad ? 1 : 0));

    public void Backward(EngineTensor t) => Native.Check(Native.dg_backward(H(t)));

    public EngineTensor? Grad(EngineTensor t)
    {
        Native.Check(Native.dg_grad(H(t), out var h));
        if (!h.IsInvalid) return h;
        h.Dispose();
        return null;
    }

    public void ClearGrad(EngineTensor t) => Native.Check(Native.dg_clear_grad(H(t)));

    public unsafe EngineTensor?[] AutogradGrad(EngineTensor output, IReadOnlyList<EngineTensor> inputs, bool createGraph)
    {
        var outs = new IntPtr[inputs.Count];
        using (var handles = new HandleArray(inputs))
        {
            fixed (IntPtr* p = handles.Pointers)
            fixed (IntPtr* o = outs)
            {
                Native.Check(Native.dg_autograd_grad(H(output), p, inputs.Count, createGraph ? 1 : 0, o));
            }
        }
        var result = new EngineTensor?[outs.Length];
        for (var i = 0; i < outs.Length; i++) result[i] = HandleArray.Own(outs[i]);
        return result;
    }

    public unsafe (EngineTensor Gradient, EngineTensor Hessian) Hessian(EngineTensor output, IReadOnlyList<EngineTensor> inputs)
    {
        using var handles = new HandleArray(inputs);
        fixed (IntPtr* p = handles.Pointers)
        {
            var status = Native.dg_autograd_hessian(H(output), p, inputs.Count, out var g, out var h);
            if (status != 0)
            {
                g.Dispose();
                h.Dispose();
                Native.Check(status);
            }
            return (g, h);
        }
    }
}
