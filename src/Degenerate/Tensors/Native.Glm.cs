using System.Runtime.InteropServices;

namespace Degenerate.Tensors;

// The GLM solvers of glm.cpp. Optional tensors (weights) travel as raw pointers: IntPtr.Zero stands for none.
internal static partial class Native
{
    [LibraryImport(Library)]
    internal static unsafe partial int dg_glm_design(double* data, long rows, long cols, int intercept, out TensorHandle result);

    [LibraryImport(Library)]
    internal static partial int dg_glm_information(TensorHandle x, TensorHandle y, IntPtr weights, int family, int link,
        int observed, TensorHandle beta, out TensorHandle score, out TensorHandle information, out double loglik);

    /// <summary>dg_glm_information without the log-likelihood (a NULL loglik: the pass skips it).</summary>
    [LibraryImport(Library, EntryPoint = "dg_glm_information")]
    internal static unsafe partial int dg_glm_information_no_loglik(TensorHandle x, TensorHandle y, IntPtr weights, int family,
        int link, int observed, TensorHandle beta, out TensorHandle score, out TensorHandle information, double* loglik);

    [LibraryImport(Library)]
    internal static partial int dg_glm_newton(TensorHandle x, TensorHandle y, IntPtr weights, int family, int link,
        double tol, int maxIter, double ridge, TensorHandle beta, out int iterations, out int converged,
        out int perfectPrediction, out int fallbacks, out double maxStep);
}
