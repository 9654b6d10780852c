using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>Owns one native at::Tensor reference of the shim and releases it exactly once.</summary>
internal sealed class TensorHandle : EngineTensor
{
    public TensorHandle() { }

    protected override void Free() => Native.dg_tensor_free(handle);
}
