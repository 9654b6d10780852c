namespace Degenerate.Tensors;

/// <summary>Automatic differentiation helpers on top of libtorch's autograd.</summary>
public static class Autograd
{
    /// <summary>
    /// Disables gradient recording on this thread until the returned object is disposed:
    /// <c>using (Autograd.NoGrad()) { ... }</c>.
    /// </summary>
    public static IDisposable NoGrad() => new GradMode(false);

    /// <summary>Re-enables gradient recording on this thread until disposed.</summary>
    public static IDisposable EnableGrad() => new GradMode(true);

    /// <summary>
    /// Gradients of the scalar <paramref name="output"/> with respect to each input (null where the output does not
    /// depend on it). With <paramref name="createGraph"/> the gradients can be differentiated again (Hessians).
    /// </summary>
    public static unsafe Tensor?[] Grad(Tensor output, IReadOnlyList<Tensor> inputs, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        var n = inputs.Count;
        var handles = new IntPtr[n];
        var outs = new IntPtr[n];
        var added = new bool[n];
        try
        {
            for (var i = 0; i < n; i++)
            {
                inputs[i].Handle.DangerousAddRef(ref added[i]);
                handles[i] = inputs[i].Handle.DangerousGetHandle();
            }
            fixed (IntPtr* h = handles)
            fixed (IntPtr* o = outs)
            {
                Native.Check(Native.dg_autograd_grad(output.Handle, h, n, createGraph ? 1 : 0, o));
            }
        }
        finally
        {
            for (var i = 0; i < n; i++)
                if (added[i]) inputs[i].Handle.DangerousRelease();
        }
        var result = new Tensor?[n];
        for (var i = 0; i < n; i++) result[i] = outs[i] == IntPtr.Zero ? null : Tensor.FromRawHandle(outs[i]);
        return result;
    }

    private sealed class GradMode : IDisposable
    {
        private readonly int _previous;
        private bool _disposed;

        public GradMode(bool enabled) => Native.Check(Native.dg_set_grad_enabled(enabled ? 1 : 0, out _previous));

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Native.Check(Native.dg_set_grad_enabled(_previous, out _));
        }
    }

    /// <summary>
    /// The gradient (flattened, inputs in order) and the full Hessian [P, P] of the scalar <paramref name="output"/>
    /// with respect to <paramref name="inputs"/>, one backward pass per Hessian row (meant for small models: the
    /// exact Newton solver). The output must have been computed with gradient recording on.
    /// </summary>
    public static unsafe (Tensor Gradient, Tensor Hessian) Hessian(Tensor output, IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        var n = inputs.Count;
        var handles = new IntPtr[n];
        var added = new bool[n];
        try
        {
            for (var i = 0; i < n; i++)
            {
                inputs[i].Handle.DangerousAddRef(ref added[i]);
                handles[i] = inputs[i].Handle.DangerousGetHandle();
            }
            TensorHandle g, h;
            fixed (IntPtr* p = handles)
            {
                Native.Check(Native.dg_autograd_hessian(output.Handle, p, n, out g, out h));
            }
            return (new Tensor(g), new Tensor(h));
        }
        finally
        {
            for (var i = 0; i < n; i++)
                if (added[i]) inputs[i].Handle.DangerousRelease();
        }
    }
}
