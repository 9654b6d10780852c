using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Callbacks;

/// <summary>
/// Hooks into <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c>, as <c>keras.callbacks.Callback</c>. Epoch logs hold the
/// epoch's figures by Keras key ("loss", "val_loss", "accuracy", ...); callbacks may add keys (ReduceLROnPlateau adds
/// "learning_rate") and stop training by setting <see cref="Model.StopTraining"/>. As in Keras, the validation run
/// inside <c>Fit</c> calls the test hooks of Fit's callbacks. Overriding a per-batch hook of training or prediction
/// sends those calls through the op-by-op path (the fused plan runs a whole epoch in one call, with no batches to
/// report).
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained, evaluated or run (set by Fit, Evaluate and Predict).</summary>
    public Model? Model { get; internal set; }

    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin() { }

    /// <summary>Called once after the last epoch (also after an early stop).</summary>
    public virtual void OnTrainEnd(IDictionary<string, double> logs) { }

    /// <summary>Called before each epoch (0-based index).</summary>
    public virtual void OnEpochBegin(int epoch) { }

    /// <summary>Called after each epoch with its figures, validation included.</summary>
    public virtual void OnEpochEnd(int epoch, IDictionary<string, double> logs) { }

    /// <summary>Called before each training batch (0-based index within the epoch).</summary>
    public virtual void OnTrainBatchBegin(int batch) { }

    /// <summary>Called after each training batch. Reading <see cref="BatchLogs.Loss"/> waits for the device.</summary>
    public virtual void OnTrainBatchEnd(int batch, BatchLogs logs) { }

    /// <summary>Called when an evaluation begins: <c>Evaluate</c>, or the validation run of a <c>Fit</c> epoch.</summary>
    public virtual void OnTestBegin() { }

    /// <summary>Called when an evaluation ends, with its figures (un-prefixed: "loss", not "val_loss").</summary>
    public virtual void OnTestEnd(IDictionary<string, double> logs) { }

    /// <summary>Called before each evaluation batch.</summary>
    public virtual void OnTestBatchBegin(int batch) { }

    /// <summary>Called after each evaluation batch.</summary>
    public virtual void OnTestBatchEnd(int batch, BatchLogs logs) { }

    /// <summary>Called when <c>Predict</c> begins.</summary>
    public virtual void OnPredictBegin() { }

    /// <summary>Called when <c>Predict</c> ends.</summary>
    public virtual void OnPredictEnd() { }

    /// <summary>Called before each prediction batch.</summary>
    public virtual void OnPredictBatchBegin(int batch) { }

    /// <summary>
    /// Called after each prediction batch with its outputs (Keras's logs["outputs"]); the tensor belongs to Predict and
    /// is valid only during the call (clone it to keep it).
    /// </summary>
    public virtual void OnPredictBatchEnd(int batch, Tensor outputs) { }

    // Whether training must run batch by batch for this callback (the fused plan reports no batches).
    internal virtual bool NeedsTrainBatches => Overrides(nameof(OnTrainBatchBegin)) || Overrides(nameof(OnTrainBatchEnd));

    // Whether this callback's type overrides the named hook (then the caller must run batch by batch).
    internal bool Overrides(string hook)
    {
        for (var type = GetType(); type is not null && type != typeof(Callback); type = type.BaseType)
        {
            if (type.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
                .Any(m => m.Name == hook && m.GetBaseDefinition().DeclaringType == typeof(Callback)))
                return true;
        }
        return false;
    }
}
