using System.Runtime.InteropServices;
using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>
/// plan.cpp: a whole epoch of a Dense stack in one native call; its prediction in the managed blocked kernel
/// (<see cref="ManagedFusedKernels.Predict"/>), which reads the native tensors' memory in place.
/// </summary>
internal sealed class NativeFusedKernels(ITensorEngine engine) : IFusedKernels
{
    private readonly ManagedFusedKernels _predict = new(engine);

    /// <summary>degenerate.h's dg_plan_options, field for field.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct PlanOptions
    {
        public double* LearningRates;
        public long Count;
        public double* L1;
        public double* L2;
        public double ClipNorm;
        public double ClipValue;
        public double GlobalClipnorm;
        public double WeightDecay;
        public IntPtr* DropoutNoise;
        public int* Decays;
    }

    public bool RecordsPredictions => true;

    public bool TrainsExtensions => true;

    public unsafe double FitEpoch(EngineOptimizer optimizer, int[] activations, int[] hasBias, int loss, EngineTensor x, EngineTensor y,
        EngineTensor? sampleWeight, EngineTensor? permutation, long batchSize, double learningRate, EngineTensor? predictions = null,
        FusedTrainingOptions? options = null)
    {
        if (optimizer is not NativeOptimizer native)
            throw new ArgumentException("the native training plan needs an optimizer built by the native engine", nameof(optimizer));
        // The layers hold a kernel each and a bias where hasBias (plan.cpp checks the optimizer holds exactly those), so
        // per-parameter arrays of that length are read in bounds.
        options?.Validate(activations.Length + hasBias.Count(b => b != 0), activations.Length);
        // The optional tensors travel as raw pointers (IntPtr.Zero for none), so their references are held here.
        var optional = new List<EngineTensor>(3);
        if (sampleWeight is not null) optional.Add(sampleWeight);
        if (permutation is not null) optional.Add(permutation);
        if (predictions is not null) optional.Add(predictions);
        var noise = options?.DropoutNoise;
        var noiseTensors = noise?.Where(t => t is not null).Select(t => t!).ToList() ?? [];
        var added = false;
        using var held = new HandleArray(optional);
        using var heldNoise = new HandleArray(noiseTensors);
        var noisePointers = new IntPtr[noise?.Length ?? 0];
        for (int l = 0, k = 0; l < noisePointers.Length; l++)
            if (noise![l] is not null) noisePointers[l] = heldNoise.Pointers[k++];
        try
        {
            native.Handle.DangerousAddRef(ref added);
            double sum;
            fixed (int* act = activations)
            fixed (int* bias = hasBias)
            fixed (double* rates = options?.LearningRates)
            fixed (double* l1 = options?.L1)
            fixed (double* l2 = options?.L2)
            fixed (IntPtr* masks = noisePointers)
            fixed (int* decays = options?.Decays?.Select(d => d ? 1 : 0).ToArray())
            {
                var settings = new PlanOptions
                {
                    LearningRates = rates,
                    Count = options?.LearningRates?.Length ?? 0,
                    L1 = l1,
                    L2 = l2,
                    ClipNorm = options?.ClipNorm ?? 0,
                    ClipValue = options?.ClipValue ?? 0,
                    GlobalClipnorm = options?.GlobalClipnorm ?? 0,
                    WeightDecay = options?.WeightDecay ?? 0,
                    DropoutNoise = noise is null ? null : masks,
                    Decays = decays,
                };
                Native.Check(Native.dg_plan_fit_epoch(native.Handle.DangerousGetHandle(), act, bias, activations.Length, loss,
                    NativeEngine.H(x), NativeEngine.H(y), sampleWeight?.DangerousGetHandle() ?? IntPtr.Zero,
                    permutation?.DangerousGetHandle() ?? IntPtr.Zero, predictions?.DangerousGetHandle() ?? IntPtr.Zero,
                    batchSize, learningRate, options is null ? null : &settings, out sum));
            }
            return sum;
        }
        finally
        {
            if (added) native.Handle.DangerousRelease();
        }
    }

    // Prediction is the managed blocked kernel, shared with the TorchSharp engine, on this engine's tensor memory.
    public EngineTensor Predict(IReadOnlyList<EngineTensor> parameters, int[] activations, int[] hasBias, EngineTensor x, long chunk) =>
        _predict.Predict(parameters, activations, hasBias, x, chunk);
}
