using Degenerate.Models;

namespace Degenerate.Callbacks;

/// <summary>
/// Hooks into <c>Fit</c>, as <c>keras.callbacks.Callback</c>. Epoch logs hold the epoch's figures by Keras key
/// ("loss", "val_loss", "accuracy", ...); callbacks may add keys (ReduceLROnPlateau adds "learning_rate") and stop
/// training by setting <see cref="Model.StopTraining"/>.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained (set by Fit).</summary>
    public Model? Model { get; internal set; }

    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin() { }

    /// <summary>Called once after the last epoch (also after an early stop).</summary>
    public virtual void OnTrainEnd(IDictionary<string, double> logs) { }

    /// <summary>Called before each epoch (0-based index).</summary>
    public virtual void OnEpochBegin(int epoch) { }

    /// <summary>Called after each epoch with its figures, validation included.</summary>
    public virtual void OnEpochEnd(int epoch, IDictionary<string, double> logs) { }

    /// <summary>Called after each training batch. Reading <see cref="BatchLogs.Loss"/> waits for the device.</summary>
    public virtual void OnTrainBatchEnd(int batch, BatchLogs logs) { }
}
