using System.Numerics;
using Degenerate.Optimizers;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// The training plan's kernels in C# on any engine (plan.cpp's port): a whole epoch of a Dense stack and its chunked
/// prediction, computed on the memory of contiguous CPU tensors (<see cref="ITensorEngine.DataPointer"/>), with the
/// optimizer state of a <see cref="PortableOptimizer"/> (its slots updated in place, its step count advanced as its
/// Step does). CPU tensors only: a tensor on a GPU is refused with <see cref="InvalidOperationException"/>.
/// </summary>
internal sealed class ManagedFusedKernels : IFusedKernels
{
    // Codes as TrainingPlan (and plan.cpp) number them.
    internal const int Linear = 0, SigmoidCode = 1, Relu = 2, Tanh = 3, Softmax = 4;
    internal const int LossMse = 0, LossBceLogits = 1, LossSoftmaxCrossentropy = 2;

    private readonly ITensorEngine _engine;

    public ManagedFusedKernels(ITensorEngine engine) => _engine = engine ?? throw new ArgumentNullException(nameof(engine));

    public bool RecordsPredictions => true;

    public bool TrainsExtensions => true;

    public unsafe double FitEpoch(EngineOptimizer optimizer, int[] activations, int[] hasBias, int loss, EngineTensor x, EngineTensor y,
        EngineTensor? sampleWeight, EngineTensor? permutation, long batchSize, double learningRate, EngineTensor? predictions = null,
        FusedTrainingOptions? options = null)
    {
        if (optimizer is not PortableOptimizer state)
            throw new ArgumentException(
                $"the managed training plan updates a portable optimizer's state; got {optimizer?.GetType().Name ?? "null"}", nameof(optimizer));
        ObjectDisposedException.ThrowIf(state.IsDisposed, state);
        if (loss is not (LossMse or LossBceLogits or LossSoftmaxCrossentropy))
            throw new ArgumentOutOfRangeException(nameof(loss), loss,
                "training plans support loss codes 0 (mean squared error), 1 (binary cross-entropy from logits) and 2 (categorical cross-entropy from logits)");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(batchSize, 0);
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be a finite value > 0");
        for (var l = 0; l < activations.Length; l++)
        {
            var act = activations[l];
            // A softmax only as the output of the categorical cross-entropy head, which works on its logits.
            if (act is < Linear or > Tanh && !(act == Softmax && l == activations.Length - 1 && loss == LossSoftmaxCrossentropy))
                throw new ArgumentException(
                    $"training plans support activation codes 0-3 (linear, sigmoid, relu, tanh), and 4 (softmax) as the last of a categorical cross-entropy head; got {act} at layer {l}",
                    nameof(activations));
        }
        if (loss == LossSoftmaxCrossentropy && activations.Length > 0 && activations[^1] is not (Linear or Softmax))
            throw new ArgumentException($"training plan: categorical cross-entropy needs a linear or softmax last layer; got activation {activations[^1]}", nameof(activations));

        var parameters = state.Parameters;
        var shapes = new long[parameters.Count][];
        var dtype = DType.Float32;
        for (var i = 0; i < parameters.Count; i++)
        {
            var info = _engine.Info(parameters[i].Handle);
            RequireCpu(info.Device, $"parameter {i}");
            if (i == 0) dtype = info.DType;
            if (info.DType != dtype)
                throw new ArgumentException($"training plan: parameter {i} is {info.DType}, parameter 0 {dtype}; all must share one dtype", nameof(optimizer));
            shapes[i] = info.Shape;
        }
        if (dtype is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"training plans run in float32 or float64; the parameters are {dtype}", nameof(optimizer));
        var net = DenseLayout.From(shapes, activations, hasBias);
        options?.Validate(parameters.Count, activations.Length);

        var (xType, xShape, xDevice) = _engine.Info(x);
        RequireCpu(xDevice, "x");
        if (xShape.Length != 2 || xShape[1] != net.In[0] || xType != dtype)
            throw new ArgumentException(
                $"training plan: x is {xType} [{string.Join(", ", xShape)}]; expected {dtype} [rows, {net.In[0]}]", nameof(x));
        var rows = xShape[0];
        var classes = net.Out[^1];
        var (yType, yShape, yDevice) = _engine.Info(y);
        RequireCpu(yDevice, "y");
        if (yShape.Length != 2 || yShape[0] != rows || yShape[1] != classes)
            throw new ArgumentException($"training plan: y has shape [{string.Join(", ", yShape)}]; expected [{rows}, {classes}]", nameof(y));

        using var keep = new HostMemory(_engine);
        var X = keep.Of(x, dtype);
        var Y = keep.Of(y, dtype);
        void* W = null;
        if (sampleWeight is not null)
        {
            var (_, wShape, wDevice) = _engine.Info(sampleWeight);
            RequireCpu(wDevice, "sampleWeight");
            if (wShape.Aggregate(1L, (a, b) => a * b) != rows)
                throw new ArgumentException($"training plan: sample weights of shape [{string.Join(", ", wShape)}]; expected one per row ({rows})", nameof(sampleWeight));
            W = keep.Of(sampleWeight, dtype);
        }
        void* P = null;
        if (permutation is not null)
        {
            var (pType, pShape, pDevice) = _engine.Info(permutation);
            RequireCpu(pDevice, "permutation");
            if (pType != DType.Int64 || pShape.Aggregate(1L, (a, b) => a * b) != rows)
                throw new ArgumentException(
                    $"training plan: permutation is {pType} [{string.Join(", ", pShape)}]; expected an int64 permutation of the {rows} rows", nameof(permutation));
            P = keep.Of(permutation, DType.Int64);
        }
        void* O = null;
        if (predictions is not null)
        {
            var (oType, oShape, oDevice) = _engine.Info(predictions);
            RequireCpu(oDevice, "predictions");
            if (oType != dtype || oShape.Length != 2 || oShape[0] != rows || oShape[1] != classes)
                throw new ArgumentException(
                    $"training plan: predictions is {oType} [{string.Join(", ", oShape)}]; expected {dtype} [{rows}, {classes}]", nameof(predictions));
            // Written in place: the caller's own memory, never a converted copy.
            O = _engine.DataPointer(predictions);
        }
        IntPtr[]? noise = null;
        if (options?.DropoutNoise is { } masks)
        {
            noise = new IntPtr[masks.Length];
            for (var l = 0; l < masks.Length; l++)
            {
                if (masks[l] is not { } mask) continue;
                var (mType, mShape, mDevice) = _engine.Info(mask);
                RequireCpu(mDevice, $"dropout noise of layer {l}");
                if (mType != dtype || mShape.Length != 2 || mShape[0] != rows || mShape[1] != net.Out[l])
                    throw new ArgumentException(
                        $"training plan: dropout noise of layer {l} is {mType} [{string.Join(", ", mShape)}]; expected {dtype} [{rows}, {net.Out[l]}]",
                        nameof(options));
                noise[l] = (IntPtr)keep.Of(mask, dtype);
            }
        }
        if (rows == 0) return 0;

        return dtype == DType.Float64
            ? Epoch<double>(state, net, loss, X, Y, W, P, O, noise, rows, batchSize, learningRate, options)
            : Epoch<float>(state, net, loss, X, Y, W, P, O, noise, rows, batchSize, learningRate, options);
    }

    private unsafe double Epoch<T>(PortableOptimizer state, DenseLayout net, int loss, void* x, void* y, void* w, void* perm,
        void* predictions, IntPtr[]? noise, long rows, long batch, double lr, FusedTrainingOptions? options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T*[]? noisePointers = null;
        if (noise is not null)
        {
            noisePointers = new T*[noise.Length];
            for (var l = 0; l < noise.Length; l++) noisePointers[l] = (T*)noise[l];
        }
        var data = new ManagedEpoch<T>.Inputs
        {
            Parameters = Pointers<T>(state.Parameters),
            Slot1 = Pointers<T>(state.Slot1),
            Slot2 = Pointers<T>(state.Slot2),
            Slot3 = Pointers<T>(state.Slot3),
            Sizes = state.Parameters.Select(p => p.Shape.Aggregate(1L, (a, b) => a * b)).ToArray(),
            X = (T*)x,
            Y = (T*)y,
            SampleWeight = (T*)w,
            Permutation = (long*)perm,
            Predictions = (T*)predictions,
            Noise = noisePointers,
            Rows = rows,
        };
        var update = new ManagedUpdate<T>(state.Kind, state.Hyperparameters);
        return ManagedEpoch<T>.Run(net, loss, data, batch, lr, update, state.AdvanceIterations, options);
    }

    private unsafe T*[] Pointers<T>(IReadOnlyList<Tensor> tensors) where T : unmanaged
    {
        var result = new T*[tensors.Count];
        for (var i = 0; i < result.Length; i++) result[i] = (T*)_engine.DataPointer(tensors[i].Handle);
        return result;
    }

    public unsafe EngineTensor Predict(IReadOnlyList<EngineTensor> parameters, int[] activations, int[] hasBias, EngineTensor x, long chunk)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var act in activations)
            if (act is < Linear or > Softmax)
                throw new ArgumentException($"predict plans support activation codes 0-4 (linear, sigmoid, relu, tanh, softmax); got {act}", nameof(activations));
        var shapes = new long[parameters.Count][];
        var (xType, xShape, xDevice) = _engine.Info(x);
        RequireCpu(xDevice, "x");
        for (var i = 0; i < parameters.Count; i++)
        {
            var info = _engine.Info(parameters[i]);
            RequireCpu(info.Device, $"parameter {i}");
            if (info.DType != xType)
                throw new ArgumentException($"predict plan: parameter {i} is {info.DType}, x is {xType}; they must share one dtype", nameof(parameters));
            shapes[i] = info.Shape;
        }
        if (xType is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"predict plans run in float32 or float64; x is {xType}", nameof(x));
        var net = DenseLayout.From(shapes, activations, hasBias);
        if (xShape.Length != 2 || xShape[1] != net.In[0])
            throw new ArgumentException($"predict plan: x has shape [{string.Join(", ", xShape)}]; expected [rows, {net.In[0]}]", nameof(x));
        if (chunk <= 0) chunk = 4096;

        using var keep = new HostMemory(_engine);
        var X = keep.Of(x, xType);
        var weights = new IntPtr[parameters.Count];
        for (var i = 0; i < weights.Length; i++) weights[i] = (IntPtr)keep.Of(parameters[i], xType);
        var result = _engine.Full([xShape[0], net.Out[^1]], 0, xType, Device.CPU);
        try
        {
            var output = _engine.DataPointer(result);
            var threads = Math.Max(1, _engine.Threads);
            if (xType == DType.Float64) ManagedPredict<double>.Run(net, weights, (double*)X, (double*)output, xShape[0], chunk, threads);
            else ManagedPredict<float>.Run(net, weights, (float*)X, (float*)output, xShape[0], chunk, threads);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static void RequireCpu(Device device, string what)
    {
        if (device.Type != DeviceType.Cpu)
            throw new InvalidOperationException(
                $"the managed training plan runs on the CPU, but {what} is on {device}: train a GPU model op by op (TrainingPlan picks no plan for it)");
    }
}
