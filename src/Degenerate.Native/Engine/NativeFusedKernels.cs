using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>plan.cpp: a whole epoch of a Dense stack, or its prediction, in one native call.</summary>
internal sealed class NativeFusedKernels : IFusedKernels
{
    public bool RecordsPredictions => true;

    public unsafe double FitEpoch(EngineOptimizer optimizer, int[] activations, int[] hasBias, int loss, EngineTensor x, EngineTensor y,
        EngineTensor? sampleWeight, EngineTensor? permutation, long batchSize, double learningRate, EngineTensor? predictions = null)
    {
        if (optimizer is not NativeOptimizer native)
            throw new ArgumentException("the native training plan needs an optimizer built by the native engine", nameof(optimizer));
        // The optional tensors travel as raw pointers (IntPtr.Zero for none), so their references are held here.
        var optional = new List<EngineTensor>(3);
        if (sampleWeight is not null) optional.Add(sampleWeight);
        if (permutation is not null) optional.Add(permutation);
        if (predictions is not null) optional.Add(predictions);
        var added = false;
        using var held = new HandleArray(optional);
        try
        {
            native.Handle.DangerousAddRef(ref added);
            double sum;
            fixed (int* act = activations)
            fixed (int* bias = hasBias)
            {
                Native.Check(Native.dg_plan_fit_epoch(native.Handle.DangerousGetHandle(), act, bias, activations.Length, loss,
                    NativeEngine.H(x), NativeEngine.H(y), sampleWeight?.DangerousGetHandle() ?? IntPtr.Zero,
                    permutation?.DangerousGetHandle() ?? IntPtr.Zero, predictions?.DangerousGetHandle() ?? IntPtr.Zero,
                    batchSize, learningRate, out sum));
            }
            return sum;
        }
        finally
        {
            if (added) native.Handle.DangerousRelease();
        }
    }

    public unsafe EngineTensor Predict(IReadOnlyList<EngineTensor> parameters, int[] activations, int[] hasBias, EngineTensor x, long chunk)
    {
        using var handles = new HandleArray(parameters);
        fixed (IntPtr* p = handles.Pointers)
        fixed (int* act = activations)
        fixed (int* bias = hasBias)
        {
            var status = Native.dg_plan_predict(p, parameters.Count, act, bias, activations.Length, NativeEngine.H(x), chunk, out var result);
            if (status != 0)
            {
                result.Dispose();
                Native.Check(status);
            }
            return result;
        }
    }
}
