namespace Degenerate.Tensors.Engines;

/// <summary>
/// Whole-epoch kernels for plain Dense stacks (see Models/TrainingPlan.cs): the codes of activations and losses are
/// TrainingPlan's.
/// </summary>
internal interface IFusedKernels
{
    /// <summary>One epoch; returns Σ sample weight × per-sample loss.</summary>
    double FitEpoch(EngineOptimizer optimizer, int[] activations, int[] hasBias, int loss, EngineTensor x, EngineTensor y,
        EngineTensor? sampleWeight, EngineTensor? permutation, long batchSize, double learningRate);

    /// <summary>The stack's output for every row of x, computed in chunks of rows.</summary>
    EngineTensor Predict(IReadOnlyList<EngineTensor> parameters, int[] activations, int[] hasBias, EngineTensor x, long chunk);
}
