using System.Runtime.InteropServices;

namespace Degenerate.Engines.Native;

// The GLM solvers of glm.cpp. Optional tensors (weights) travel as raw pointers: IntPtr.Zero stands for none.
internal static partial class Native
{
    [LibraryImport(Library)]
    internal static unsafe partial int dg_glm_borrow(double* data, long rows, long cols, out TensorHandle result);

    [LibraryImport(Library)]
    internal static partial int dg_glm_linear_predictor(TensorHandle x, int intercept, TensorHandle beta, out TensorHandle result);

    [LibraryImport(Library)]
    internal static partial int dg_glm_information(TensorHandle x, int intercept, TensorHandle y, IntPtr weights, int family, int link,
        int observed, TensorHandle beta, out TensorHandle score, out TensorHandle information, out double loglik);

    [LibraryImport(Library)]
    internal static unsafe partial int dg_glm_newton(TensorHandle x, int intercept, TensorHandle y, IntPtr weights, int family, int link,
        double tol, int maxIter, double ridge, TensorHandle beta, out int iterations, out int converged,
        out int perfectPrediction, out int fallbacks, out double maxStep, IntPtr* information);
}
