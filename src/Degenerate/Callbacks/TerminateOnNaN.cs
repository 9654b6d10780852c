namespace Degenerate.Callbacks;

/// <summary>
/// Stops training as soon as a batch's loss is NaN or infinite, as <c>keras.callbacks.TerminateOnNaN</c>
/// (or throws, with <paramref name="raiseError"/>). It reads every batch's loss, which waits for the device each step.
/// </summary>
public sealed class TerminateOnNaN(bool raiseError = false) : Callback
{
    /// <summary>Whether a bad loss throws instead of stopping quietly.</summary>
    public bool RaiseError { get; } = raiseError;

    /// <summary>True once training was stopped by this callback.</summary>
    public bool Terminated { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin() => Terminated = false;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, BatchLogs logs)
    {
        var loss = logs.Loss;
        if (double.IsFinite(loss)) return;
        if (RaiseError) throw new InvalidOperationException($"Loss is {loss} at batch {batch}, terminating training.");
        Model?.Logger?.LogWarning("Batch {Batch}: invalid loss {Loss}, terminating training", batch, loss);
        Console.WriteLine($"Batch {batch}: Invalid loss, terminating training");
        Terminated = true;
        Model!.StopTraining = true;
    }
}
