using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>The shim's Keras-formula optimizer (optim.cpp): one native call updates every parameter.</summary>
internal sealed class NativeOptimizer : EngineOptimizer
{
    private NativeOptimizer(OptimizerHandle handle) => Handle = handle;

    internal OptimizerHandle Handle { get; }

    public static unsafe NativeOptimizer Create(int kind, ReadOnlySpan<double> hyperparameters, IReadOnlyList<EngineTensor> parameters)
    {
        using var handles = new HandleArray(parameters);
        IntPtr result;
        fixed (double* h = hyperparameters)
        fixed (IntPtr* p = handles.Pointers)
        {
            Native.Check(Native.dg_optimizer_create(kind, h, hyperparameters.Length, p, parameters.Count, out result));
        }
        return new NativeOptimizer(new OptimizerHandle(result));
    }

    public override long Iterations
    {
        get
        {
            var added = false;
            try
            {
                Handle.DangerousAddRef(ref added);
                Native.Check(Native.dg_optimizer_iterations(Handle.DangerousGetHandle(), out var n));
                return n;
            }
            finally
            {
                if (added) Handle.DangerousRelease();
            }
        }
    }

    public override void Step(double learningRate, double clipNorm, double clipValue)
    {
        var added = false;
        try
        {
            Handle.DangerousAddRef(ref added);
            Native.Check(Native.dg_optimizer_step(Handle.DangerousGetHandle(), learningRate, clipNorm, clipValue));
        }
        finally
        {
            if (added) Handle.DangerousRelease();
        }
    }

    public override EngineTensor Slot(int parameter, int slot)
    {
        var added = false;
        try
        {
            Handle.DangerousAddRef(ref added);
            Native.Check(Native.dg_optimizer_slot(Handle.DangerousGetHandle(), parameter, slot, out var result));
            return result;
        }
        finally
        {
            if (added) Handle.DangerousRelease();
        }
    }

    public override void SetIterations(long iterations)
    {
        var added = false;
        try
        {
            Handle.DangerousAddRef(ref added);
            Native.Check(Native.dg_optimizer_set_iterations(Handle.DangerousGetHandle(), iterations));
        }
        finally
        {
            if (added) Handle.DangerousRelease();
        }
    }

    public override bool IsDisposed => Handle.IsClosed;

    public override void Dispose() => Handle.Dispose();
}
