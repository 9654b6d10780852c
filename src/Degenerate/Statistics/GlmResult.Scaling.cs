namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    /// <summary>
    /// This result, fitted on x·diag(scale), expressed for the original x: β = diag(scale)·β̃ and
    /// cov = diag(scale)·coṽ·diag(scale) (every covariance type transforms so); t, p, the likelihood and the linear
    /// predictor do not change. <paramref name="originalX"/> (row-major data columns) replaces the scaled design kept
    /// for robust covariances and predictions.
    /// </summary>
    internal GlmResult ForOriginalColumns(double[] scale, double[] originalX)
    {
        var copy = (GlmResult)MemberwiseClone();
        var data = Data ?? throw new InvalidOperationException("column scaling needs the result's data");
        var offset = data.Intercept ? 1 : 0;
        var factor = new double[Params.Count];
        for (var j = 0; j < factor.Length; j++) factor[j] = j < offset ? 1 : scale[j - offset];
        copy.Params = Params.Select((b, j) => b * factor[j]).ToArray();
        copy.SetCovariance(Scaled(CovParams, factor));
        if (_nonRobust is { } nonRobust) copy._nonRobust = Scaled(nonRobust, factor);
        if (_factorized is { } fz) copy._factorized = fz.Scaled(factor);
        copy.Data = new GlmData
        {
            X = originalX, Columns = data.Columns, Intercept = data.Intercept, ConstantColumn = data.ConstantColumn,
            Y = data.Y, W = data.W, Eta = data.Eta, Alpha = data.Alpha, Shards = data.Shards,
        };
        return copy;
    }

    private static double[,] Scaled(double[,] cov, double[] factor)
    {
        var k = factor.Length;
        var result = new double[k, k];
        for (var i = 0; i < k; i++)
            for (var j = 0; j < k; j++) result[i, j] = cov[i, j] * factor[i] * factor[j];
        return result;
    }
}
