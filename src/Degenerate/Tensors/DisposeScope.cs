namespace Degenerate.Tensors;

/// <summary>
/// Collects every tensor created on this thread while the scope is open and disposes them when it closes, so a
/// training step's temporaries are released deterministically instead of waiting for the garbage collector (which
/// cannot see native or GPU memory pressure). Keep a tensor past the scope with <see cref="MoveToOuter"/> or
/// <see cref="Detach"/>. Scopes nest.
/// </summary>
/// <example><code>
/// using (var scope = new DisposeScope())
/// {
///     var loss = ((model.Forward(x) - y).Square()).Mean();
///     loss.Backward();
/// } // every temporary above is freed here
/// </code></example>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;

    private readonly DisposeScope? _outer;
    private readonly List<Tensor> _tensors = new();
    private bool _disposed;

    /// <summary>Opens a scope on the current thread.</summary>
    public DisposeScope()
    {
        _outer = _current;
        _current = this;
    }

    internal static DisposeScope? Current => _current;

    /// <summary>Number of tensors the scope will dispose.</summary>
    public int Count => _tensors.Count;

    internal void Register(Tensor tensor) => _tensors.Add(tensor);

    /// <summary>Hands the tensor to the enclosing scope (or to nobody, if this is the outermost) and returns it.</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        if (_tensors.Remove(tensor)) _outer?.Register(tensor);
        return tensor;
    }

    /// <summary>Removes the tensor from every scope: the caller now owns it and must dispose it.</summary>
    public Tensor Detach(Tensor tensor)
    {
        _tensors.Remove(tensor);
        return tensor;
    }

    /// <summary>Disposes every tensor still collected and closes the scope.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _tensors) t.Dispose();
        _tensors.Clear();
        // Scopes close in LIFO order in normal use; if an inner one is left open, restore the outer one anyway.
        _current = _outer;
    }
}
