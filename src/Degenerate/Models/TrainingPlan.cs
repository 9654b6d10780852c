using Degenerate.Activations;
using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Optimizers;
using Degenerate.Regularizers;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Models;

/// <summary>
/// A compiled plan for the standard layer set: a model that is a stack of <see cref="Dense"/> layers (hidden
/// activations linear, sigmoid, relu or tanh), with <see cref="Dropout"/> layers between them, trained on the CPU in
/// float32 or float64 with mean squared error (any of those final activations), binary cross-entropy after a sigmoid
/// (or from logits), or categorical / sparse categorical cross-entropy after a softmax (or from logits), by SGD, Adam,
/// RMSprop or Adagrad (with clipnorm, clipvalue, global_clipnorm, weight decay with or without exclusions, or a
/// learning-rate schedule), with L1, L2 or L1L2 kernel and bias regularizers, runs a whole epoch (forward, closed-form
/// backward, update) in one call instead of one call per operation: plan.cpp on the native engine, the managed kernels
/// of <see cref="ManagedFusedKernels"/> on TorchSharp. The numbers are those of the op-by-op autograd path (tests
/// compare the two on every combination); dropout noise is drawn by the engine's own dropout op in the op-by-op path's
/// order, so seeded runs give the same weights. Compiled metrics are updated once per epoch from each row's prediction
/// made in its training step, which the kernels record. Anything else (any other layer: the normalization layers,
/// GaussianNoise, Flatten; other losses, activations or regularizers; label smoothing; frozen layers; per-batch
/// callbacks; a GPU; or <see cref="Model.RunEagerly"/>) takes the op-by-op path. Prediction of such a stack (any
/// activation, softmax included) is one call on both engines: the managed blocked kernel of BlockedPredict.
/// </summary>
internal sealed class TrainingPlan
{
    private readonly int[] _activations;
    private readonly int[] _hasBias;
    private readonly int _loss;
    private readonly bool _sparseLabels;
    private readonly double[]? _l1, _l2;
    private readonly double[] _dropout;  // per Dense layer, the rate of the Dropout after it (0: none)
    private readonly long[] _units;  // per Dense layer
    private readonly long _classes;  // the last layer's units

    private TrainingPlan(Stack stack, int loss, bool sparseLabels, double[]? l1, double[]? l2)
    {
        _activations = stack.Activations;
        _hasBias = stack.HasBias;
        _dropout = stack.Dropout;
        _units = stack.Units;
        _classes = stack.Classes;
        _loss = loss;
        _sparseLabels = sparseLabels;
        _l1 = l1;
        _l2 = l2;
    }

    private const int LossMse = 0;
    private const int LossBceLogits = 1;
    private const int LossSoftmaxCrossentropy = 2;

    /// <summary>The plan for training <paramref name="model"/> with these callbacks, or null when one does not apply.</summary>
    public static TrainingPlan? ForTraining(Model model, IEnumerable<Callback> callbacks)
    {
        if (model.RunEagerly || Engine.Current.FusedKernels is null) return null;
        if (model.Optimizer is not { } optimizer) return null;
        // The kernels that will train this optimizer's state (an unbuilt optimizer: the engine's).
        var kernels = optimizer.State is { } built ? KernelsFor(built) : Engine.Current.FusedKernels;
        if (kernels is null) return null;
        // Metrics need each row's prediction, which only some kernels record.
        if (model.Metrics.Count > 0 && !kernels.RecordsPredictions) return null;
        var extended = kernels.TrainsExtensions;
        if (!extended && (optimizer.ClipNorm is not null || optimizer.ClipValue is not null || optimizer.GlobalClipnorm is not null
                || optimizer.WeightDecay is not null || optimizer.LearningRateSchedule is not null))
            return null;
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
        if (StackOf(model, training: true) is not { } stack) return null;
        var activations = stack.Activations;
        if (activations.Take(activations.Length - 1).Any(a => a == ActSoftmax)) return null;
        if (!extended && stack.Dropout.Any(r => r > 0)) return null;
        var (l1, l2, regularized) = Penalties(model);
        if (!regularized.HasValue || (regularized.Value && !extended)) return null;
        var last = activations[^1];
        int loss;
        var sparse = false;
        switch (model.Loss)
        {
            case MeanSquaredError when last != ActSoftmax:
                loss = LossMse;
                break;
            case BinaryCrossentropy { FromLogits: false, LabelSmoothing: 0 } when last == ActSigmoid:
            case BinaryCrossentropy { FromLogits: true, LabelSmoothing: 0 } when last == ActLinear:
                loss = LossBceLogits;
                break;
            // Both compute −Σ y·log_softmax(logits) here (PerSampleFromLogits after a softmax, or from logits).
            case CategoricalCrossentropy { FromLogits: false, LabelSmoothing: 0 } when extended && last == ActSoftmax:
            case CategoricalCrossentropy { FromLogits: true, LabelSmoothing: 0 } when extended && last == ActLinear:
                loss = LossSoftmaxCrossentropy;
                break;
            case SparseCategoricalCrossentropy { FromLogits: false } when extended && last == ActSoftmax:
            case SparseCategoricalCrossentropy { FromLogits: true } when extended && last == ActLinear:
                loss = LossSoftmaxCrossentropy;
                sparse = true;
                break;
            default:
                return null;
        }
        return new TrainingPlan(stack, loss, sparse, l1, l2);
    }

    // Per trainable parameter (the optimizer's order) the L1 and L2 factors of its regularizer; Regularized null when
    // a regularizer is one the kernels do not know (a user's subclass), false when there is none.
    private static (double[]? L1, double[]? L2, bool? Regularized) Penalties(Model model)
    {
        var l1 = new List<double>();
        var l2 = new List<double>();
        var any = false;
        foreach (var layer in model.Layers)
        {
            if (layer is not Dense d) continue;
            foreach (var (regularizer, present) in new[] { (d.KernelRegularizer, true), (d.BiasRegularizer, d.Bias is not null) })
            {
                if (!present) continue;
                (double L1, double L2)? factors = regularizer switch
                {
                    null => (0.0, 0.0),
                    L1 r => (r.Factor, 0.0),
                    L2 r => (0.0, r.Factor),
                    L1L2 r => (r.L1.Factor, r.L2.Factor),
                    _ => ((double, double)?)null,
                };
                if (factors is not { } f) return (null, null, null);
                any |= regularizer is not null;
                l1.Add(f.L1);
                l2.Add(f.L2);
            }
        }
        return any ? (l1.ToArray(), l2.ToArray(), true) : (null, null, false);
    }

    private const int ActLinear = 0;
    private const int ActSigmoid = 1;
    private const int ActSoftmax = 4;

    // A CPU float32/float64 model made of Dense layers, each followed by at most one Dropout (not the last layer).
    private sealed record Stack(int[] Activations, int[] HasBias, double[] Dropout, long[] Units)
    {
        public long Classes => Units[^1];
    }

    private static Stack? StackOf(Model model, bool training)
    {
        if (!model.Built || model.Device.Type != DeviceType.Cpu) return null;
        if (model.DType is not (DType.Float32 or DType.Float64)) return null;
        var activations = new List<int>();
        var hasBias = new List<int>();
        var dropout = new List<double>();
        var units = new List<long>();
        foreach (var layer in model.Layers)
        {
            if (layer is Dropout drop)
            {
                // Between two Dense layers, one at a time; a rate of 0 is the identity (no draw).
                if (activations.Count == 0 || dropout[^1] > 0) return null;
                dropout[^1] = drop.Rate;
                continue;
            }
            if (layer is not Dense d) return null;
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
            activations.Add(code.Value);
            hasBias.Add(d.Bias is null ? 0 : 1);
            dropout.Add(0);
            units.Add(d.Units);
        }
        if (activations.Count == 0) return null;
        // Dropout on the output would change what the loss sees; in inference every Dropout is the identity.
        if (training && dropout[^1] > 0) return null;
        return new Stack(activations.ToArray(), hasBias.ToArray(), dropout.ToArray(), units.ToArray());
    }

    /// <summary>
    /// Runs one epoch natively: batches of <paramref name="batchSize"/> rows in <paramref name="perm"/> order (null: in
    /// order). Returns Σ sample weight × per-sample loss over the rows, plus each batch's regularization penalty once per
    /// row (the epoch's mean loss as Keras reports it, times the rows).
    /// </summary>
    public double FitEpoch(Optimizer optimizer, Tensor x, Tensor y, Tensor? sampleWeight, Tensor? perm, int batchSize,
        Tensor? predictions = null)
    {
        var state = optimizer.State ?? throw new InvalidOperationException("optimizer used before it was built by Compile/Fit");
        var kernels = KernelsFor(state) ?? throw new InvalidOperationException($"the {Engine.Name} engine has no fused training plan");
        using var scope = new DisposeScope();
        var rows = x.Size(0);
        var targets = _sparseLabels ? OneHot(y, x.DType) : y;
        var options = Options(optimizer, rows, batchSize, x.DType);
        return kernels.FitEpoch(state, _activations, _hasBias, _loss, x.Handle, targets.Handle, sampleWeight?.Handle, perm?.Handle,
            batchSize, optimizer.LearningRate, predictions?.Handle, options);
    }

    // Integer labels [rows] (or [rows, 1]) as one-hot rows of the model's dtype: −Σ y·log p is then −log p[label].
    private Tensor OneHot(Tensor labels, DType dtype)
    {
        var flat = labels.Reshape(-1);
        var hot = flat.OneHot(_classes);
        return hot.To(dtype, Device.CPU);
    }

    // What the epoch does besides the plain update, or null when it does nothing else.
    private FusedTrainingOptions? Options(Optimizer optimizer, long rows, int batchSize, DType dtype)
    {
        double[]? rates = null;
        if (optimizer.LearningRateSchedule is { } schedule)
        {
            // Step k of the epoch runs at the schedule's rate for the iterations done before it, as Optimizer.Step reads it.
            var first = optimizer.Iterations;
            rates = new double[(rows + batchSize - 1) / batchSize];
            for (var k = 0; k < rates.Length; k++) rates[k] = schedule.Evaluate(first + k);
        }
        var noise = _dropout.Any(r => r > 0) && rows > 0 ? DropoutNoise(rows, batchSize, dtype) : null;
        if (rates is null && noise is null && _l1 is null && optimizer.ClipNorm is null && optimizer.ClipValue is null
            && optimizer.GlobalClipnorm is null && optimizer.WeightDecay is null)
            return null;
        return new FusedTrainingOptions
        {
            LearningRates = rates,
            L1 = _l1,
            L2 = _l2,
            ClipNorm = optimizer.ClipNorm ?? 0,
            ClipValue = optimizer.ClipValue ?? 0,
            GlobalClipnorm = optimizer.GlobalClipnorm ?? 0,
            WeightDecay = optimizer.WeightDecay ?? 0,
            // Exactly the parameters Optimizer.Step decays (ExcludeFromWeightDecay by reference or by name).
            Decays = optimizer.WeightDecay is > 0 && optimizer.ExcludesFromWeightDecay ? optimizer.WeightDecayMask() : null,
            DropoutNoise = noise,
        };
    }

    // The noise of every Dropout for the epoch, drawn as the op-by-op path draws it: batch by batch, layer by layer,
    // the engine's dropout of a [batch rows, units] tensor (ones, so the result is the noise: 0 or 1/(1 − rate)).
    // Rows are stacked in visiting order; the tensors belong to the caller's dispose scope.
    private EngineTensor?[] DropoutNoise(long rows, int batchSize, DType dtype)
    {
        var units = new long[_activations.Length];
        var parts = new List<Tensor>?[_activations.Length];
        for (var l = 0; l < _dropout.Length; l++)
            if (_dropout[l] > 0) parts[l] = [];
        for (long start = 0; start < rows; start += batchSize)
        {
            var n = Math.Min(batchSize, rows - start);
            for (var l = 0; l < _dropout.Length; l++)
            {
                if (parts[l] is not { } list) continue;
                using var ones = Tensor.Ones([n, _units[l]], dtype, Device.CPU);
                list.Add(ones.Dropout(_dropout[l], training: true));
            }
        }
        var noise = new EngineTensor?[_activations.Length];
        for (var l = 0; l < noise.Length; l++)
            if (parts[l] is { } list) noise[l] = (list.Count == 1 ? list[0] : Tensor.Cat(list)).Handle;
        return noise;
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
        var predictions = Tensor.Zeros([rows, _classes], model.DType, Device.CPU);
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
    /// chunk's intermediates in cache), or null when the model is not a CPU stack of Dense (and Dropout) layers or
    /// <see cref="Model.RunEagerly"/> is set.
    /// </summary>
    public static Tensor? Predict(Model model, Tensor x)
    {
        if (model.RunEagerly || Engine.Current.FusedKernels is not { } kernels) return null;
        // Dropout is the identity in inference, so a stack with Dropout layers predicts through the same kernels.
        if (StackOf(model, training: false) is not { } stack) return null;
        var weights = model.Weights;
        var handles = new EngineTensor[weights.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = weights[i].Handle;
        return new Tensor(kernels.Predict(handles, stack.Activations, stack.HasBias, x.Handle, 4096));
    }
}
