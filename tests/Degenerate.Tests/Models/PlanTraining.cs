using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Tests.Models;

/// <summary>
/// What the tests that compare a fused training plan with the op-by-op path (FusedMetricsTests, ManagedPlanTests)
/// share: a fit with the portable optimizer forced or not, and the check that the plan really trains the model.
/// </summary>
internal static class PlanTraining
{
    /// <summary>
    /// Runs <paramref name="fit"/> with <see cref="Optimizer.ForcePortable"/> set to <paramref name="portable"/> (reset
    /// afterwards); <paramref name="build"/> makes the model under that setting. Unless <paramref name="eager"/>, it
    /// first asserts that the plan trains the model, with the optimizer kind expected on this engine: otherwise the
    /// comparison would be the op-by-op path against itself.
    /// </summary>
    public static T Fit<T>(bool eager, bool portable, Func<Sequential> build, Func<Sequential, T> fit)
    {
        Optimizer.ForcePortable = portable;
        try
        {
            var model = build();
            model.RunEagerly = eager;
            if (!eager)
            {
                Assert.NotNull(TrainingPlan.ForTraining(model, []));
                Assert.Equal(portable || Engine.Name != "native", model.Optimizer!.State is PortableOptimizer);
            }
            // Both draw their shuffling from the global generator, seeded alike (hence the Serial collection).
            Degenerate.Random.Seed(11);
            return fit(model);
        }
        finally
        {
            Optimizer.ForcePortable = false;
        }
    }
}
