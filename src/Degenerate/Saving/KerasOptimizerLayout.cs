using Degenerate.Optimizers;

namespace Degenerate.Saving;

/// <summary>
/// The order of a Keras 3 optimizer's variables (<c>optimizer.variables</c>, saved as <c>optimizer/vars/0..n</c>):
/// <c>iterations</c> (int64 scalar), <c>learning_rate</c> (float32 scalar; absent when a schedule gives the rate),
/// then the per-weight state in the order each Keras optimizer's <c>build</c> creates it. Adam, AdamW and Adamax
/// create their two slots weight by weight (m₀, v₀, m₁, v₁, ...), then Adam's <c>velocity_hat</c> when amsgrad;
/// RMSprop creates all velocities, then all momentums (momentum &gt; 0), then all average gradients (centered);
/// SGD with momentum and Lion one momentum per weight, Adagrad one accumulator per weight. Nadam creates momentum and
/// velocity weight by weight, then its scalar <c>u_product</c> (Π μ₁..ₜ, in the weights' dtype) since Keras 3.10;
/// Keras 3.0–3.9 created <c>u_product</c> first, before the slots (the reader accepts both, the writer writes 3.10's).
/// </summary>
internal static class KerasOptimizerLayout
{
    /// <summary>
    /// (parameter, Degenerate slot) for each saved per-weight variable in Keras's order, or null for an optimizer whose
    /// Keras layout is not mapped (the full-batch solvers): such state is neither written nor read.
    /// </summary>
    public static IReadOnlyList<(int Parameter, int Slot)>? SlotOrder(Optimizer optimizer, int parameters)
    {
        IEnumerable<int> all = Enumerable.Range(0, parameters);
        IEnumerable<(int, int)> Grouped(int slot) => all.Select(p => (p, slot));
        IEnumerable<(int, int)> Interleaved(params int[] slots) => all.SelectMany(p => slots.Select(s => (p, s)));
        IEnumerable<(int, int)>? order = optimizer switch
        {
            SGD s => s.Momentum != 0 ? Grouped(0) : [],
            Adam a => a.Amsgrad ? Interleaved(0, 1).Concat(Grouped(2)) : Interleaved(0, 1),
            AdamW a => a.Amsgrad ? Interleaved(0, 1).Concat(Grouped(2)) : Interleaved(0, 1),
            Adamax => Interleaved(0, 1),
            Nadam => Interleaved(0, 1),
            RMSprop r => Grouped(0).Concat(r.Momentum > 0 ? Grouped(1) : []).Concat(r.Centered ? Grouped(2) : []),
            Adagrad => Grouped(0),
            Lion => Grouped(0),
            _ => null,
        };
        return order?.ToList();
    }

    /// <summary>Whether the optimizer keeps Nadam's scalar <c>u_product</c> beside its per-weight slots.</summary>
    public static bool HasUProduct(Optimizer optimizer) => optimizer is Nadam;

    /// <summary>Whether Keras keeps a <c>learning_rate</c> variable (it does unless a schedule gives the rate).</summary>
    public static bool HasLearningRateVariable(Optimizer optimizer) => optimizer.LearningRateSchedule is null;
}
