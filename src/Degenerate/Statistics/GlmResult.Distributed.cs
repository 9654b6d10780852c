namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    /// <summary>
    /// A distributed least-squares fit's residual diagnostics (Omnibus, skew, kurtosis, Durbin–Watson, Jarque–Bera,
    /// condition number) over every rank's rows in rank order, computed now, by every rank together, since a later
    /// lazy computation could not be collective: XᵀWX and the residuals' moments are all-reduced, and Durbin–Watson
    /// adds the differences across the ranks' boundaries.
    /// </summary>
    internal void ComputeDistributedOls()
    {
        var d = Data!;
        var sums = d.Shards!;
        var n = d.Rows;
        var k = d.Params;
        var e = new double[n];
        var row = new double[k];
        var xtx = new double[k, k];
        double sumE = 0;
        for (var i = 0; i < n; i++)
        {
            var w = d.W?[i] ?? 1;
            e[i] = Math.Sqrt(w) * (d.Y[i] - d.Eta[i]);
            sumE += e[i];
            d.Row(i, row);
            for (var a = 0; a < k; a++)
                for (var b = 0; b < k; b++) xtx[a, b] += w * row[a] * row[b];
        }
        var flat = new double[k * k];
        Buffer.BlockCopy(xtx, 0, flat, 0, flat.Length * sizeof(double));
        var first = sums.Sum([.. flat, sumE]);
        Buffer.BlockCopy(first, 0, xtx, 0, flat.Length * sizeof(double));
        var total = sums.Rows;
        var mean = first[^1] / total;
        double m2 = 0, m3 = 0, m4 = 0, ss = 0, diff = 0;
        for (var i = 0; i < n; i++)
        {
            var c = e[i] - mean;
            m2 += c * c;
            m3 += c * c * c;
            m4 += c * c * c * c;
            ss += e[i] * e[i];
            if (i > 0) diff += (e[i] - e[i - 1]) * (e[i] - e[i - 1]);
        }
        var moments = sums.Sum(m2, m3, m4, ss, diff);
        // Durbin–Watson's terms across boundaries: each rank's first and last residual, in rank order.
        var ends = sums.Gather([n > 0 ? 1 : 0, n > 0 ? e[0] : 0, n > 0 ? e[^1] : 0]);
        double? previous = null;
        var across = 0.0;
        foreach (var end in ends)
        {
            if (end[0] == 0) continue;
            if (previous is { } last) across += (end[1] - last) * (end[1] - last);
            previous = end[2];
        }
        (m2, m3, m4, ss, diff) = (moments[0] / total, moments[1] / total, moments[2] / total, moments[3], moments[4] + across);
        var skew = m3 / Math.Pow(m2, 1.5);
        var kurtosis = m4 / (m2 * m2);
        var count = (int)total;
        var jb = count / 6.0 * (skew * skew + (kurtosis - 3) * (kurtosis - 3) / 4);
        var k2 = Math.Pow(OlsDiagnostics.SkewTestZ(skew, count), 2) + Math.Pow(OlsDiagnostics.KurtosisTestZ(kurtosis, count), 2);
        var eig = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(xtx)
            .Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(v => v.Real).ToArray();
        double max = eig.Max(), min = eig.Min();
        _ols = new OlsDiagnostics(k2, OlsDiagnostics.ChiSquared2Sf(k2), skew, kurtosis, diff / ss, jb, OlsDiagnostics.ChiSquared2Sf(jb),
            Math.Sqrt(max / min), min);
    }
}
