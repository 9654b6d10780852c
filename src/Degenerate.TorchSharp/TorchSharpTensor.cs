using Degenerate.Tensors.Engines;
using TorchSharp;

namespace Degenerate.Engines.TorchSharp;

/// <summary>One TorchSharp tensor owned by a Degenerate <c>Tensor</c>, disposed exactly once.</summary>
internal sealed class TorchSharpTensor : EngineTensor
{
    public TorchSharpTensor(torch.Tensor tensor)
    {
        // Detached from TorchSharp's own dispose scopes: Degenerate's DisposeScope decides its lifetime.
        Value = tensor.DetachFromDisposeScope();
        SetHandle(tensor.Handle);
    }

    /// <summary>The TorchSharp tensor; valid while this handle is open.</summary>
    public torch.Tensor Value { get; }

    protected override void Free() => Value.Dispose();
}
