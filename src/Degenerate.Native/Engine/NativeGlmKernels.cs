using Degenerate.Statistics;
using Degenerate.Tensors.Engines;

namespace Degenerate.Engines.Native;

/// <summary>glm.cpp: the GLM passes, each one native call over the whole design.</summary>
internal sealed class NativeGlmKernels : IGlmKernels
{
    public unsafe EngineTensor? Borrow(double* data, long rows, long cols)
    {
        var status = Native.dg_glm_borrow(data, rows, cols, out var h);
        if (status != 0)
        {
            h.Dispose();
            Native.Check(status);
        }
        return h;
    }

    public EngineTensor LinearPredictor(EngineTensor x, bool intercept, EngineTensor beta)
    {
        var status = Native.dg_glm_linear_predictor(NativeEngine.H(x), intercept ? 1 : 0, NativeEngine.H(beta), out var h);
        if (status != 0)
        {
            h.Dispose();
            Native.Check(status);
        }
        return h;
    }

    public (EngineTensor Score, EngineTensor Information, double Kernel) Information(EngineTensor x, bool intercept, EngineTensor y,
        EngineTensor? weights, Family family, Link link, bool observed, EngineTensor beta)
    {
        using var held = new HandleArray(weights is null ? [] : [weights]);
        var status = Native.dg_glm_information(NativeEngine.H(x), intercept ? 1 : 0, NativeEngine.H(y), weights?.DangerousGetHandle() ?? IntPtr.Zero,
            (int)family, (int)link, observed ? 1 : 0, NativeEngine.H(beta), out var s, out var i, out var ll);
        if (status != 0)
        {
            s.Dispose();
            i.Dispose();
            Native.Check(status);
        }
        return (s, i, ll);
    }

    public unsafe GlmNewtonOutcome Newton(EngineTensor x, bool intercept, EngineTensor y, EngineTensor? weights, Family family, Link link,
        double tolerance, int maxIterations, double ridge, EngineTensor beta, bool wantInformation)
    {
        using var held = new HandleArray(weights is null ? [] : [weights]);
        var info = IntPtr.Zero;
        var status = Native.dg_glm_newton(NativeEngine.H(x), intercept ? 1 : 0, NativeEngine.H(y), weights?.DangerousGetHandle() ?? IntPtr.Zero,
            (int)family, (int)link, tolerance, maxIterations, ridge, NativeEngine.H(beta), out var it, out var converged, out var perfect,
            out var fallbacks, out var step, wantInformation ? &info : null);
        var information = HandleArray.Own(info);
        if (status != 0)
        {
            information?.Dispose();
            Native.Check(status);
        }
        return new GlmNewtonOutcome(it, converged != 0, perfect != 0, fallbacks, step, information);
    }
}
