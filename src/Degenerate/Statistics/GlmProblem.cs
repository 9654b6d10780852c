using System.Globalization;
using Degenerate.Tensors;

namespace Degenerate.Statistics;

/// <summary>
/// A validated GLM problem: the design (float64, constant column first when fitting an intercept) and the response
/// as tensors on the solver's device, plus host copies of y and the weights for the statistics.
/// </summary>
internal sealed class GlmProblem : IDisposable
{
    public required Tensor X { get; init; }
    public required Tensor Y { get; init; }
    public Tensor? W { get; init; }
    public required double[] YHost { get; init; }
    public double[]? WHost { get; init; }
    public required Family Family { get; init; }
    public required Link Link { get; init; }
    public required bool Intercept { get; init; }
    public required IReadOnlyList<string> ColumnNames { get; init; }

    /// <summary>Number of classes (multinomial), else 1.</summary>
    public int Classes { get; init; } = 1;

    public IReadOnlyList<string>? ClassNames { get; init; }

    public long Rows => YHost.LongLength;

    public int Columns => ColumnNames.Count;

    /// <summary>Equations: k − 1 for the multinomial family, else 1.</summary>
    public int Equations => Family == Family.Multinomial ? Classes - 1 : 1;

    public int ParamCount => Columns * Equations;

    public IReadOnlyList<string> ParamNames
    {
        get
        {
            if (Family != Family.Multinomial) return ColumnNames;
            var names = new List<string>();
            for (var j = 1; j < Classes; j++)
            {
                var label = ClassNames?[j] ?? j.ToString(CultureInfo.InvariantCulture);
                names.AddRange(ColumnNames.Select(c => $"{label}:{c}"));
            }
            return names;
        }
    }

    /// <summary>The pinned caller's array that <see cref="X"/> views without a copy (no intercept column, CPU).</summary>
    public System.Runtime.InteropServices.GCHandle Pin { get; init; }

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
        W?.Dispose();
        if (Pin.IsAllocated) Pin.Free();  // after X: nothing views the array any more
    }

    /// <summary>Shape of the coefficient tensor the native solver takes: [p] or [k−1, p].</summary>
    public long[] BetaShape => Family == Family.Multinomial ? [Equations, Columns] : [Columns];

    /// <summary>Runs f with the weights' raw handle (IntPtr.Zero when unweighted), kept alive for the call.</summary>
    public T WithWeights<T>(Func<IntPtr, T> f)
    {
        if (W is null) return f(IntPtr.Zero);
        var added = false;
        try
        {
            W.Handle.DangerousAddRef(ref added);
            return f(W.Handle.DangerousGetHandle());
        }
        finally
        {
            if (added) W.Handle.DangerousRelease();
        }
    }

    /// <summary>Score, information and log-likelihood kernel at <paramref name="beta"/> (one native pass).</summary>
    public (Tensor Score, Tensor Information, double Kernel) Information(Tensor beta, bool observed, bool kernel = true) =>
        WithWeights(w =>
        {
            if (!kernel)
            {
                TensorHandle sh, ih;
                unsafe
                {
                    Native.Check(Native.dg_glm_information_no_loglik(X.Handle, Y.Handle, w, (int)Family, (int)Link,
                        observed ? 1 : 0, beta.Handle, out sh, out ih, null));
                }
                return (new Tensor(sh), new Tensor(ih), double.NaN);
            }
            Native.Check(Native.dg_glm_information(X.Handle, Y.Handle, w, (int)Family, (int)Link, observed ? 1 : 0,
                beta.Handle, out var s, out var i, out var ll));
            return (new Tensor(s), new Tensor(i), ll);
        });
}
