using System.Globalization;
using Degenerate.Distributed;
using Degenerate.Tensors;

namespace Degenerate.Statistics;

/// <summary>
/// The exact distributed GLM fit behind <see cref="GlmOptions.ProcessGroup"/>: each rank holds its own rows, and every
/// decision the single-process fit takes from the data (column scaling, the constant column, the class count, the rank
/// check, each Newton step, every statistic's row sum) is taken from sums or extrema all-reduced over the ranks, so
/// every rank computes the same result: the single-process fit of the union of the rows, up to rounding. A Newton
/// iteration is one float64 all-reduce of [information | score | log-likelihood kernel].
/// </summary>
internal static partial class DistributedGlm
{
    // Everything that must agree across ranks before any array sized by the data can be reduced.
    private static double[] Shape(double[,] x, Family family, Link link, GlmOptions o, double[]? weights) =>
    [
        x.GetLength(1), o.FitIntercept ? 1 : 0, (int)family, (int)link, weights is null ? 0 : 1, o.Offset is null ? 0 : 1,
        o.Exposure is null ? 0 : 1, o.FreqWeights is null ? 0 : 1, o.VarWeights is null ? 0 : 1, (int)o.CovType,
        o.ObservedInformation ? 1 : 0, o.Tolerance, o.MaxIterations, o.Alpha, o.ClassNames?.Count ?? -1, o.VarPower,
    ];

    private static readonly string[] ShapeNames =
    [
        "x's number of columns", "FitIntercept", "the family", "the link", "whether weights are given", "whether Offset is given",
        "whether Exposure is given", "whether FreqWeights are given", "whether VarWeights are given", "CovType",
        "ObservedInformation", "Tolerance", "MaxIterations", "Alpha", "the number of ClassNames", "VarPower",
    ];

    public static GlmResult Fit(double[,] x, double[] y, Family family, Link link, GlmOptions options, double[]? weights)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var group = options.ProcessGroup!;
        try
        {
            _ = Engine.Current.Distributed;
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"a distributed GLM fit (GlmOptions.ProcessGroup) needs the native engine: {e.Message}", e);
        }
        if (options.Solver != Solver.Newton)
            throw new NotSupportedException($"a distributed GLM fit uses Solver.Newton; {options.Solver} is not distributed");
        if (options.CovType == CovType.Cluster)
            throw new NotSupportedException("a distributed GLM fit cannot give a cluster-robust covariance (a cluster's rows may be on several ranks); use HC0-HC3");

        // 1. The ranks agree on the shape and the options (every rank reports the same disagreement).
        var shape = Shape(x, family, link, options, weights);
        var sums = new DistributedSums(group, 0);
        {
            var most = sums.Max([.. shape, .. shape.Select(v => -v)]);
            for (var i = 0; i < shape.Length; i++)
            {
                double high = most[i], low = -most[shape.Length + i];
                if (high != low)
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"GlmOptions.ProcessGroup: the ranks disagree on {ShapeNames[i]} (from {low:R} to {high:R}; rank {group.Rank} has " +
                        $"{shape[i]:R}); every rank must pass data with the same columns and the same options"), i == 0 ? nameof(x) : nameof(options));
            }
        }
        int n = x.GetLength(0), p = x.GetLength(1);

        // 2. Column extrema (constant column, scaling), the largest class index, non-finite flag; then counts and scale sums.
        var colMax = new double[p];
        var colMin = new double[p];
        var absMax = new double[p];
        Array.Fill(colMax, double.NegativeInfinity);
        Array.Fill(colMin, double.PositiveInfinity);
        var nonFinite = 0.0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < p; j++)
            {
                var v = x[i, j];
                if (!double.IsFinite(v)) nonFinite = 1;
                colMax[j] = Math.Max(colMax[j], v);
                colMin[j] = Math.Min(colMin[j], v);
                absMax[j] = Math.Max(absMax[j], Math.Abs(v));
            }
        }
        var yMax = y.Length > 0 ? y.Max() : double.NegativeInfinity;
        var maxima = sums.Max([.. colMax, .. colMin.Select(v => -v), .. absMax, nonFinite, yMax]);
        var constant = -1;
        for (var j = 0; j < p; j++)
        {
            if (maxima[j] == -maxima[p + j] && maxima[j] != 0)
            {
                constant = j;
                break;
            }
        }
        for (var j = 0; j < p; j++) absMax[j] = maxima[2 * p + j];
        var anyNonFinite = maxima[3 * p] != 0;
        var classes = (int)Math.Min(int.MaxValue, Math.Max(2, Math.Floor(maxima[3 * p + 1]) + 1));

        var squares = new double[p];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < p; j++)
                if (absMax[j] > 0)
                {
                    var v = x[i, j] / absMax[j];
                    squares[j] += v * v;
                }
        var counts = sums.Sum([n, options.FreqWeights?.Sum() ?? n, .. squares]);
        var rows = (long)counts[0];
        if (rows == 0) throw new ArgumentException("no rank holds any rows: x has no rows on every rank", nameof(x));
        sums = new DistributedSums(group, rows);
        var scale = anyNonFinite || family == Family.Multinomial ? null : Scaling(absMax, counts[2..], rows);

        var fitted = FitCore(scale is null ? x : ColumnScaling.Apply(x, scale), y, family, link, options, weights, sums,
            (constant, classes), counts[1], anyNonFinite);
        if (scale is not null && fitted.Data is not null) fitted = fitted.ForOriginalColumns(scale, ColumnScaling.RowMajor(x));
        if (fitted.IsLeastSquares && fitted.Data is not null) fitted.ComputeDistributedOls();
        return fitted;
    }

    // ColumnScaling.For's rule on the union's columns: the RMS from the global max |x| and Σ(x/max)².
    private static double[]? Scaling(double[] absMax, double[] squares, long rows)
    {
        var p = absMax.Length;
        var scale = new double[p];
        var any = false;
        for (var c = 0; c < p; c++)
        {
            scale[c] = 1;
            var rms = absMax[c] * Math.Sqrt(squares[c] / rows);
            if (rms == 0) continue;
            var exponent = (int)Math.Round(Math.Log2(rms));
            if (Math.Abs(exponent) <= ColumnScaling.Limit) continue;
            scale[c] = Math.ScaleB(1.0, -exponent);
            any = true;
        }
        return any ? scale : null;
    }

    private static GlmResult FitCore(double[,] x, double[] y, Family family, Link link, GlmOptions options, double[]? weights,
        DistributedSums sums, (int Constant, int Classes) global, double weightedRows, bool nonFinite)
    {
        // 3. Each rank checks its own rows; a rank whose input is rejected throws its own error, the others name it.
        GlmProblem? built = null;
        Exception? error = null;
        try
        {
            if (nonFinite) GlmInput.CheckFinite(x, nameof(x));
            built = GlmInput.Build(x, y, weights, family, link, options, skipConstant: true, global);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            error = e;
        }
        var failed = sums.Gather([error is null ? 0 : 1]);
        if (error is not null) throw error;
        var bad = Enumerable.Range(0, failed.Length).Where(r => failed[r][0] != 0).ToArray();
        if (bad.Length > 0)
        {
            built!.Dispose();
            throw new ArgumentException($"rank(s) {string.Join(", ", bad)} rejected their rows or options (see their errors); no fit was made", nameof(x));
        }
        using var problem = built!;
        problem.Shards = sums;
        problem.TotalRows = sums.Rows;
        problem.TotalWeightedRows = weightedRows;
        GlmInput.CheckRank(problem, x);

        var totalWeight = sums.Sum(problem.WHost?.Sum() ?? problem.YHost.Length)[0];
        using var beta = StartingValues(problem);
        // As Glm.Newton: a large union starts from its row sample's MLE; should full-data Newton then fail, it reruns
        // from the usual start, so the warm start never changes what the fit ends with.
        using var start = beta.Clone();
        var warm = WarmStart(problem, beta, options.Tolerance, options.MaxIterations);
        var outcome = Newton(problem, beta, options.Tolerance, options.MaxIterations, totalWeight);
        if (warm && !(outcome.Converged && !outcome.Perfect))
        {
            outcome.Information?.Dispose();
            beta.CopyFrom(start);
            outcome = Newton(problem, beta, options.Tolerance, options.MaxIterations, totalWeight);
        }
        using var lastInformation = outcome.Information;
        var warnings = Glm.NewtonWarnings(outcome.Perfect, outcome.Converged, outcome.Iterations, outcome.MaxStep, outcome.Fallbacks, options);
        var reuse = outcome.Converged && !outcome.Perfect && !(options.ObservedInformation && !Glm.IsCanonical(family, link));
        // The statistics' information: the last Newton pass's, or one more reduced pass (GlmStatistics must not make a
        // local one).
        Tensor? information = null;
        if (!reuse)
        {
            var (score, info, _) = Information(problem, beta, options.ObservedInformation);
            score.Dispose();
            information = info;
        }
        using var statisticsInformation = information;
        return GlmStatistics.Compute(problem, beta, "Newton", outcome.Iterations, outcome.Converged && !outcome.Perfect, warnings, options,
            reuse ? lastInformation : information);
    }
}
