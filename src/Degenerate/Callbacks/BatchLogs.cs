using Degenerate.Tensors;

namespace Degenerate.Callbacks;

/// <summary>
/// Figures of one training batch. The loss stays on the device until <see cref="Loss"/> is read, so callbacks that do
/// not look at it cost no synchronization.
/// </summary>
public sealed class BatchLogs
{
    private readonly Tensor _loss;
    private double? _value;

    internal BatchLogs(Tensor loss, long size)
    {
        _loss = loss;
        Size = size;
    }

    /// <summary>Number of samples in the batch.</summary>
    public long Size { get; }

    /// <summary>The batch's loss (read from the device on first access).</summary>
    public double Loss => _value ??= _loss.Item();
}
