using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Degenerate.Statistics;

/// <summary>
/// What a univariate <see cref="GlmResult"/> keeps of its data for the statistics computed after the fit (robust
/// covariances): the data columns (row-major, without the ones column), the response, the weights and the linear
/// predictor at the estimates.
/// </summary>
internal sealed class GlmData
{
    /// <summary>The data columns row-major (a copy), or null when <see cref="Matrix"/> holds them.</summary>
    public double[]? X { get; init; }

    /// <summary>
    /// The caller's own x (no copy of a million-row design after every fit), when <see cref="X"/> is null: as statsmodels'
    /// model keeps a reference to its exog, statistics computed later read the array as it is then.
    /// </summary>
    public double[,]? Matrix { get; init; }
    public required int Columns { get; init; }
    public required bool Intercept { get; init; }

    /// <summary>The design column that is constant (the intercept, or a constant column of x), −1 for none.</summary>
    public int ConstantColumn { get; init; } = -1;

    /// <summary>Whether the design has a constant (statsmodels' k_constant = 1).</summary>
    public bool HasConstant => ConstantColumn >= 0;
    public required double[] Y { get; init; }
    public double[]? W { get; init; }
    public required double[] Eta { get; init; }

    /// <summary>The family's parameter: the negative binomial's α, the Tweedie variance power (1 otherwise).</summary>
    public double Alpha { get; init; } = 1;

    public int Rows => Y.Length;

    /// <summary>A distributed fit's reductions (these are this rank's rows only); null otherwise.</summary>
    public DistributedSums? Shards { get; init; }

    /// <summary>Coefficients: the data columns plus one for the intercept.</summary>
    public int Params => Columns + (Intercept ? 1 : 0);

    /// <summary>Row <paramref name="i"/> of the design [1, x] (or x) into <paramref name="row"/>.</summary>
    public void Row(int i, double[] row)
    {
        var c = 0;
        if (Intercept) row[c++] = 1;
        if (X is not null)
        {
            Array.Copy(X, (long)i * Columns, row, c, Columns);
            return;
        }
        var all = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(Matrix!)), Matrix!.Length);
        all.Slice(i * Columns, Columns).CopyTo(row.AsSpan(c));
    }
}
