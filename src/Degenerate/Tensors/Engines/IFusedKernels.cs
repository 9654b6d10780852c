namespace Degenerate.Tensors.Engines;

/// <summary>
/// Whole-epoch kernels for plain Dense stacks (see Models/TrainingPlan.cs): the codes of activations and losses are
/// TrainingPlan's.
/// </summary>
internal interface IFusedKernels
{
    /// <summary>
    /// One epoch; returns Σ sample weight × per-sample loss. When <paramref name="predictions"/> is given (a contiguous
    /// CPU tensor [rows, units] of the parameters' dtype; only where <see cref="RecordsPredictions"/>), its row k
    /// receives the output (after the final activation) for the k-th row visited, computed in the training step before
    /// that batch's update: what compiled metrics see on the op-by-op path. <paramref name="options"/> adds regularizers,
    /// clipping, weight decay, a learning rate per step and dropout (only where <see cref="TrainsExtensions"/>).
    /// </summary>
    double FitEpoch(EngineOptimizer optimizer, int[] activations, int[] hasBias, int loss, EngineTensor x, EngineTensor y,
        EngineTensor? sampleWeight, EngineTensor? permutation, long batchSize, double learningRate, EngineTensor? predictions = null,
        FusedTrainingOptions? options = null);

    /// <summary>Whether <see cref="FitEpoch"/> can write each row's prediction (for compiled metrics).</summary>
    bool RecordsPredictions { get; }

    /// <summary>
    /// Whether <see cref="FitEpoch"/> takes the softmax cross-entropy head (loss code 2, a softmax or linear last layer)
    /// and every field of <see cref="FusedTrainingOptions"/>.
    /// </summary>
    bool TrainsExtensions { get; }

    /// <summary>The stack's output for every row of x, computed in chunks of rows.</summary>
    EngineTensor Predict(IReadOnlyList<EngineTensor> parameters, int[] activations, int[] hasBias, EngineTensor x, long chunk);
}
