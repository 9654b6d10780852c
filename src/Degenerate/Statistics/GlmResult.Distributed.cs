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
        var (m2, m3, m4, ss, diff) = OlsDiagnostics.Sums(e, mean);
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
        _ols = OlsDiagnostics.From(moments[0] / total, moments[1] / total, moments[2] / total, moments[3], moments[4] + across, (int)total, xtx);
    }
}
