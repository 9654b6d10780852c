using Degenerate.Activations;
using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Models;

/// <summary>
/// A compiled plan for the standard layer set: a model that is a stack of <see cref="Dense"/> layers (hidden
/// activations linear, sigmoid, relu or tanh), trained on the CPU in float32 or float64 with mean squared error (any of
/// those final activations) or binary cross-entropy after a sigmoid (or from logits), by any of the four optimizers,
/// runs a whole epoch (forward, closed-form backward, update) in one call instead of one call per operation: plan.cpp
/// on the native engine, the managed kernels of <see cref="ManagedFusedKernels"/> on TorchSharp.
/// The numbers are those of the op-by-op autograd path (tests compare the two on every combination). Compiled metrics
/// are updated once per epoch from each row's prediction made in its training step, which the kernels record (both
/// plan.cpp and the managed ones). Anything else (regularizers, gradient clipping, any layer but Dense (Dropout, the normalization layers, GaussianNoise,
/// Flatten: their training-mode behaviour lives in their Forward), other losses or activations, per-batch callbacks, a
/// GPU, or <see cref="Model.RunEagerly"/>) takes the op-by-op path.
/// </summary>
internal sealed class TrainingPlan
{
    private readonly int[] _activations;
    private readonly int[] _hasBias;
    private readonly int _loss;

    private TrainingPlan(int[] activations, int[] hasBias, int loss)
    {
        _activations = activations;
        _hasBias = hasBias;
        _loss = loss;
    }

    private const int LossMse = 0;
    private const int LossBceLogits = 1;

    /// <summary>The plan for training <paramref name="model"/> with these callbacks, or null when one does not apply.</summary>
    public static TrainingPlan? ForTraining(Model model, IEnumerable<Callback> callbacks)
    {
        if (model.RunEagerly || Engine.Current.FusedKernels is null) return null;
        if (model.Optimizer is not { } optimizer || optimizer.ClipNorm is not null || optimizer.ClipValue is not null) return null;
        // Metrics need each row's prediction, which only some kernels record (an unbuilt optimizer: the engine's).
        if (model.Metrics.Count > 0
            && (optimizer.State is { } built ? KernelsFor(built) : Engine.Current.FusedKernels) is not { RecordsPredictions: true })
            return null;
        // The fused epoch has no global clipping or weight decay (Optimizer.Step applies those).
        if (optimizer.GlobalClipnorm is not null || optimizer.WeightDecay is not null) return null;
        // It takes one learning rate per epoch; a schedule changes the rate every step.
        if (optimizer.LearningRateSchedule is not null) return null;
        // A portable optimizer's state is trained by the managed kernels, an engine optimizer's by the engine's own.
        if (optimizer is not (SGD or Adam or RMSprop or Adagrad)) return null;
        foreach (var c in callbacks)
        {
            if (c is ProgbarLogger p)
            {
                if (p.NeedsBatches) return null;
            }
            else if (c.NeedsTrainBatches)
            {
                return null;
            }
        }
        var stack = DenseStack(model);
        if (stack is null) return null;
        var (activations, hasBias) = stack.Value;
        if (activations.Take(activations.Length - 1).Any(a => a == ActSoftmax)) return null;
        if (model.Layers.Any(l => l is Dense d && (d.KernelRegularizer is not null || d.BiasRegularizer is not null))) return null;
        var last = activations[^1];
        int loss;
        switch (model.Loss)
        {
            case MeanSquaredError when last != ActSoftmax:
                loss = LossMse;
                break;
            case BinaryCrossentropy { FromLogits: false } when last == ActSigmoid:
            case BinaryCrossentropy { FromLogits: true } when last == ActLinear:
                loss = LossBceLogits;
                break;
            default:
                return null;
        }
        return new TrainingPlan(activations, hasBias, loss);
    }

    private const int ActLinear = 0;
    private const int ActSigmoid = 1;
    private const int ActSoftmax = 4;

    // Activation codes and bias flags of a CPU float32/float64 model made only of Dense layers, or null.
    private static (int[] Activations, int[] HasBias)? DenseStack(Model model)
    {
        if (!model.Built || model.Device.Type != DeviceType.Cpu) return null;
        if (model.DType is not (DType.Float32 or DType.Float64)) return null;
        var activations = new int[model.Layers.Count];
        var hasBias = new int[model.Layers.Count];
        for (var i = 0; i < model.Layers.Count; i++)
        {
            if (model.Layers[i] is not Dense d) return null;
            int? code = d.Activation switch
            {
                null or Linear => ActLinear,
                Sigmoid => ActSigmoid,
                Relu => 2,
                Tanh => 3,
                Softmax => ActSoftmax,
                _ => null,
            };
            if (code is null) return null;
            activations[i] = code.Value;
            hasBias[i] = d.Bias is null ? 0 : 1;
        }
        return (activations, hasBias);
    }

    /// <summary>
    /// Runs one epoch natively: batches of <paramref name="batchSize"/> rows in <paramref name="perm"/> order (null: in
    /// order). Returns Σ sample weight × per-sample loss over the rows (the epoch's mean loss times the rows).
    /// </summary>
    public double FitEpoch(Optimizer optimizer, Tensor x, Tensor y, Tensor? sampleWeight, Tensor? perm, int batchSize,
        Tensor? predictions = null)
    {
        var state = optimizer.State ?? throw new InvalidOperationException("optimizer used before it was built by Compile/Fit");
        var kernels = KernelsFor(state) ?? throw new InvalidOperationException($"the {Engine.Name} engine has no fused training plan");
        return kernels.FitEpoch(state, _activations, _hasBias, _loss, x.Handle, y.Handle, sampleWeight?.Handle, perm?.Handle,
            batchSize, optimizer.LearningRate, predictions?.Handle);
    }

    /// <summary>
    /// Trains one epoch (or one batch of a sequence) and adds its loss to <paramref name="tracker"/>; with compiled
    /// metrics, also updates them once with every row's prediction made in its training step, against the targets and
    /// weights in the order the rows were visited. The metrics accumulate sums, so one update with all the rows gives
    /// the figures of one update a batch (the op-by-op path).
    /// </summary>
    internal void TrainEpoch(Model model, Tensor x, Tensor y, Tensor? sampleWeight, Tensor? perm, int batchSize, Model.EpochTracker tracker)
    {
        var rows = x.Size(0);
        if (model.Metrics.Count == 0)
        {
            tracker.AddEpoch(FitEpoch(model.Optimizer!, x, y, sampleWeight, perm, batchSize), rows);
            return;
        }
        using var scope = new DisposeScope();
        var predictions = Tensor.Zeros([rows, y.Size(1)], model.DType, Device.CPU);
        var sum = FitEpoch(model.Optimizer!, x, y, sampleWeight, perm, batchSize, predictions);
        var targets = perm is null ? y : y.IndexSelect(0, perm);
        var weights = sampleWeight is null || perm is null ? sampleWeight : sampleWeight.IndexSelect(0, perm);
        tracker.AddEpoch(sum, rows, targets, predictions, weights);
    }

    private static ManagedFusedKernels? _managed;

    // The kernels that update this optimizer state: the engine's own for its own optimizers (plan.cpp), the managed
    // ones for a portable optimizer (the only kind on TorchSharp; on the native engine when Optimizer.ForcePortable).
    private static IFusedKernels? KernelsFor(EngineOptimizer state)
    {
        var engine = Engine.Current;
        if (engine.FusedKernels is null) return null;
        if (state is not PortableOptimizer || engine.FusedKernels is ManagedFusedKernels) return engine.FusedKernels;
        return _managed ??= new ManagedFusedKernels(engine);
    }

    /// <summary>
    /// The model's output for every row of <paramref name="x"/> in one native call (chunks of rows in parallel, each
    /// chunk's intermediates in cache), or null when the model is not a plain CPU Dense stack or
    /// <see cref="Model.RunEagerly"/> is set.
    /// </summary>
    public static Tensor? Predict(Model model, Tensor x)
    {
        if (model.RunEagerly || Engine.Current.FusedKernels is not { } kernels) return null;
        var stack = DenseStack(model);
        if (stack is null) return null;
        var (activations, hasBias) = stack.Value;
        var weights = model.Weights;
        var handles = new EngineTensor[weights.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = weights[i].Handle;
        return new Tensor(kernels.Predict(handles, activations, hasBias, x.Handle, 4096));
    }
}
