using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Optimizers;

// Saved-state access (model files keep the optimizer's slots and step count).
internal sealed partial class PortableOptimizer
{
    public override EngineTensor Slot(int parameter, int slot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(parameter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(parameter, _params.Length);
        var slots = slot switch
        {
            0 => _slot1,
            1 => _slot2,
            2 => _slot3,
            _ => throw new ArgumentOutOfRangeException(nameof(slot), slot, "optimizer slots are 0, 1 and 2"),
        };
        return Engine.Current.Alias(slots[parameter].Handle);
    }

    public override void SetIterations(long iterations)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        _iterations = iterations;
        // Nadam's running product Π μ₁..ₜ follows from the step count alone.
        _nadamProduct = 1.0;
        if (_kind == Nadam)
            for (long s = 1; s <= iterations; s++) _nadamProduct *= NadamMomentum(H(0, 0.9), s);
    }
}
