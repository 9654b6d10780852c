using Degenerate.Tensors.Engines;

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
    public static Tensor?[] Grad(Tensor output, IReadOnlyList<Tensor> inputs, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        var grads = Engine.Current.AutogradGrad(output.Handle, Handles(inputs), createGraph);
        var result = new Tensor?[grads.Length];
        for (var i = 0; i < grads.Length; i++) result[i] = grads[i] is { } g ? new Tensor(g) : null;
        return result;
    }

    private static EngineTensor[] Handles(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var handles = new EngineTensor[inputs.Count];
        for (var i = 0; i < handles.Length; i++)
            handles[i] = (inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"inputs[{i}] is null")).Handle;
        return handles;
    }

    private sealed class GradMode : IDisposable
    {
        private readonly bool _previous;
        private bool _disposed;

        public GradMode(bool enabled) => _previous = Engine.Current.SetGradEnabled(enabled);

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Engine.Current.SetGradEnabled(_previous);
        }
    }

    /// <summary>
    /// The gradient (flattened, inputs in order) and the full Hessian [P, P] of the scalar <paramref name="output"/>
    /// with respect to <paramref name="inputs"/>, one backward pass per Hessian row (meant for small models: the
    /// exact Newton solver). The output must have been computed with gradient recording on.
    /// </summary>
    public static (Tensor Gradient, Tensor Hessian) Hessian(Tensor output, IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(output);
        var (g, h) = Engine.Current.Hessian(output.Handle, Handles(inputs));
        return (new Tensor(g), new Tensor(h));
    }
}
