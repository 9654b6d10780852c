using Degenerate.Statistics;

namespace Degenerate.Tensors.Engines;

/// <summary>
/// The GLM passes over a design (see Statistics/Glm.cs): each reads the data once per call, so a million-row fit makes
/// one pass per Newton iteration. The design's intercept column is implicit (<c>intercept</c>), never materialized.
/// </summary>
internal interface IGlmKernels
{
    /// <summary>A float64 [rows, cols] view of pinned host memory (no copy), or null when the engine must copy.</summary>
    unsafe EngineTensor? Borrow(double* data, long rows, long cols);

    /// <summary>Xβ: [n], or [n, k−1] for the multinomial family.</summary>
    EngineTensor LinearPredictor(EngineTensor x, bool intercept, EngineTensor beta);

    /// <summary>Score, (expected or observed) information and log-likelihood kernel at β, in one pass.</summary>
    (EngineTensor Score, EngineTensor Information, double Kernel) Information(EngineTensor x, bool intercept, EngineTensor y,
        EngineTensor? weights, Family family, Link link, bool observed, EngineTensor beta);

    /// <summary>Newton (Fisher scoring) iterations from β, updating β in place.</summary>
    GlmNewtonOutcome Newton(EngineTensor x, bool intercept, EngineTensor y, EngineTensor? weights, Family family, Link link,
        double tolerance, int maxIterations, double ridge, EngineTensor beta, bool wantInformation);
}

/// <summary>What a run of Newton iterations ended with; Information is the last expected information when asked for.</summary>
internal readonly record struct GlmNewtonOutcome(int Iterations, bool Converged, bool PerfectPrediction, int Fallbacks,
    double MaxStep, EngineTensor? Information);
