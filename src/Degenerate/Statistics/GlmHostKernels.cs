using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Statistics;

/// <summary>
/// Routes an engine's fused GLM passes through the managed host pass (<see cref="GlmHostPass"/>, via
/// <see cref="GlmTensorKernels"/>) whenever the float64 design is in host memory and the family and link are ones the
/// host pass covers: one engine-independent kernel on the CPU (faster than a libtorch op per chunk), the engine's own
/// passes for other devices (CUDA), the multinomial family and wide designs.
/// </summary>
internal sealed class GlmHostKernels(IGlmKernels engine) : IGlmKernels
{
    /// <summary>The engine's own passes, used wherever the host pass does not apply.</summary>
    public IGlmKernels Engine { get; } = engine;

    private static ITensorEngine E => Tensors.Engine.Current;

    /// <summary>Whether the host pass serves a pass over x (and its response and coefficients) for (family, link).</summary>
    internal static bool Applies(EngineTensor x, bool intercept, EngineTensor y, EngineTensor beta, Family family, Link link)
    {
        if (GlmTensorKernels.TensorPassOnly || !GlmHostPass.Supported || !GlmHostPass.Covers(family, link)) return false;
        var (type, shape, device) = E.Info(x);
        if (device.Type != DeviceType.Cpu || type != DType.Float64 || shape.Length != 2) return false;
        if (shape[1] + (intercept ? 1 : 0) >= 64) return false;
        return E.Info(y).Device.Type == DeviceType.Cpu && E.Info(beta).Device.Type == DeviceType.Cpu;
    }

    public unsafe EngineTensor? Borrow(double* data, long rows, long cols) => Engine.Borrow(data, rows, cols);

    public EngineTensor LinearPredictor(EngineTensor x, bool intercept, EngineTensor beta) => Engine.LinearPredictor(x, intercept, beta);

    public (EngineTensor Score, EngineTensor Information, double Kernel) Information(EngineTensor x, bool intercept, EngineTensor y,
        EngineTensor? weights, Family family, Link link, bool observed, EngineTensor beta) =>
        Applies(x, intercept, y, beta, family, link)
            ? GlmTensorKernels.Instance.Information(x, intercept, y, weights, family, link, observed, beta)
            : Engine.Information(x, intercept, y, weights, family, link, observed, beta);

    public GlmNewtonOutcome Newton(EngineTensor x, bool intercept, EngineTensor y, EngineTensor? weights, Family family, Link link,
        double tolerance, int maxIterations, double ridge, EngineTensor beta, bool wantInformation) =>
        Applies(x, intercept, y, beta, family, link)
            ? GlmTensorKernels.Instance.Newton(x, intercept, y, weights, family, link, tolerance, maxIterations, ridge, beta, wantInformation)
            : Engine.Newton(x, intercept, y, weights, family, link, tolerance, maxIterations, ridge, beta, wantInformation);
}
