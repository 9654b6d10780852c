using System.Globalization;
using Degenerate.Distributed;
using Degenerate.Statistics;

/// <summary>
/// The distributed GLM probe: a deterministic data set of one family (rows are functions of their global index), cut
/// into shards of the given sizes; each rank fits its shard through the process group, or (no group) one process fits
/// every row. Prints "json{:covtype} {one-line GlmResult.ToJson}" lines, which the tests compare.
/// args: glm|glm-single case sizes (e.g. "7,13,40"); DG_GLM_COLUMNS sets x's columns (default 3).
/// </summary>
internal static class GlmProbe
{
    public static int Run(string[] args, ProcessGroup? g)
    {
        var name = args[1];
        var sizes = args[2].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var columns = int.Parse(Environment.GetEnvironmentVariable("DG_GLM_COLUMNS") ?? "3", CultureInfo.InvariantCulture);
        int start = 0, count = sizes.Sum();
        if (g is not null)
        {
            if (sizes.Length != g.WorldSize) throw new ArgumentException($"{sizes.Length} shard sizes for {g.WorldSize} ranks");
            start = sizes.Take(g.Rank).Sum();
            count = sizes[g.Rank];
        }
        var c = Case(name, start, count, columns);
        var options = new GlmOptions
        {
            ProcessGroup = g, Exposure = c.Exposure, Offset = c.Offset, FreqWeights = c.Freq, VarWeights = c.Var, Alpha = 0.5,
            VarPower = c.Family == Family.Tweedie ? 1.5 : 1.0,
        };
        var result = c.Y2 is not null
            ? Glm.Fit(c.X, c.Y2, c.Family, c.Link, options)
            : Glm.Fit(c.X, c.Y, c.Family, c.Link, options, c.Weights);
        Console.WriteLine("json " + result.ToJson(indented: false));
        if (c.Family != Family.Multinomial && c.Freq is null)
            foreach (var cov in new[] { CovType.HC0, CovType.HC1, CovType.HC2, CovType.HC3 })
                Console.WriteLine($"json:{cov} " + result.GetRobustCovResults(cov).ToJson(indented: false));
        // Predictions at the caller's own rows need no collective (the same on every rank for the same rows).
        if (c.Family != Family.Multinomial && count > 0)
        {
            var pred = result.GetPrediction(c.X, exposure: c.Exposure?.ToArray(), offset: c.Offset?.ToArray());
            Console.WriteLine("predict " + string.Join(" ", pred.Mean.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        return 0;
    }

    internal sealed record Data(double[,] X, double[] Y, Family Family, Link? Link)
    {
        public double[]? Weights { get; init; }
        public double[]? Exposure { get; init; }
        public double[]? Offset { get; init; }
        public double[]? Freq { get; init; }
        public double[]? Var { get; init; }
        public double[,]? Y2 { get; init; }
    }

    // A uniform in (0, 1) from the row index (the same on every rank for the same global row).
    private static double U(int i, int salt)
    {
        var h = (ulong)(i + 1) * 0x9E3779B97F4A7C15UL ^ (ulong)(salt + 7) * 0xC2B2AE3D27D4EB4FUL;
        h ^= h >> 31;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27;
        return ((h >> 11) + 0.5) / (1UL << 53);
    }

    private static int Poisson(double mean, double u)
    {
        // Inverse CDF.
        double p = Math.Exp(-mean), cdf = p;
        var k = 0;
        while (u > cdf && k < 1000)
        {
            k++;
            p *= mean / k;
            cdf += p;
        }
        return k;
    }

    public static Data Case(string name, int start, int count, int columns)
    {
        var x = new double[count, columns];
        var eta = new double[count];
        for (var r = 0; r < count; r++)
        {
            var i = start + r;
            for (var j = 0; j < columns; j++) x[r, j] = Math.Sin(0.37 * i + 1.3 * j) + 0.3 * Math.Cos(0.11 * i * (j + 1));
            if (name == "gaussian-scaled") x[r, 1] *= 1e-9;  // a column far from unit scale (ColumnScaling)
            if (name == "gaussian-const") x[r, 0] = 2;       // a constant data column: no ones column is added
            eta[r] = 0.3 + 0.8 * x[r, 0] - 0.5 * x[r, columns - 1];
        }
        var y = new double[count];
        double[] Per(Func<int, double> f) => Enumerable.Range(0, count).Select(f).ToArray();
        switch (name)
        {
            case "gaussian" or "gaussian-scaled" or "gaussian-const":
                for (var r = 0; r < count; r++) y[r] = eta[r] + (U(start + r, 1) - 0.5);
                return new Data(x, y, Family.Gaussian, null) { Weights = name == "gaussian" ? Per(r => 0.5 + U(start + r, 2)) : null };
            case "logit" or "probit":
                for (var r = 0; r < count; r++) y[r] = U(start + r, 1) < 1 / (1 + Math.Exp(-eta[r])) ? 1 : 0;
                return new Data(x, y, Family.Binomial, name == "probit" ? Link.Probit : Link.Logit)
                    { Freq = name == "logit" ? Per(r => 1 + (start + r) % 3) : null };
            case "binomial-counts":
            {
                var y2 = new double[count, 2];
                for (var r = 0; r < count; r++)
                {
                    var trials = 1 + (start + r) % 5;
                    var s = Enumerable.Range(0, trials).Count(t => U(start + r, 10 + t) < 1 / (1 + Math.Exp(-eta[r])));
                    (y2[r, 0], y2[r, 1]) = (s, trials - s);
                }
                return new Data(x, y, Family.Binomial, Link.Logit) { Y2 = y2 };
            }
            case "poisson":
            {
                var exposure = Per(r => 0.5 + 2 * U(start + r, 3));
                for (var r = 0; r < count; r++) y[r] = Poisson(Math.Exp(0.5 * eta[r]) * exposure[r], U(start + r, 1));
                return new Data(x, y, Family.Poisson, null) { Exposure = exposure, Offset = Per(r => 0.1 * Math.Sin(start + r)) };
            }
            case "gamma" or "gamma-log":
                for (var r = 0; r < count; r++) y[r] = Math.Exp(0.3 * eta[r]) * (0.2 + 1.6 * U(start + r, 1));
                return new Data(x, y, Family.Gamma, name == "gamma-log" ? Link.Log : null) { Var = Per(r => 1 + (start + r) % 2) };
            case "negbin":
                for (var r = 0; r < count; r++) y[r] = Poisson(Math.Exp(0.5 * eta[r]) * (0.3 + 1.4 * U(start + r, 4)), U(start + r, 1));
                return new Data(x, y, Family.NegativeBinomial, null);
            case "tweedie":
                // Compound Poisson–gamma: a Poisson number of gamma-ish positive amounts (zeros included).
                for (var r = 0; r < count; r++)
                {
                    var k = Poisson(Math.Exp(0.4 * eta[r]), U(start + r, 1));
                    for (var t = 0; t < k; t++) y[r] += 0.5 + U(start + r, 20 + t);
                }
                return new Data(x, y, Family.Tweedie, null);
            case "multinomial":
                for (var r = 0; r < count; r++)
                {
                    double e1 = eta[r], e2 = -0.4 + 0.6 * x[r, 1];
                    double z = 1 + Math.Exp(e1) + Math.Exp(e2), u = U(start + r, 1);
                    y[r] = u < 1 / z ? 0 : u < (1 + Math.Exp(e1)) / z ? 1 : 2;
                }
                return new Data(x, y, Family.Multinomial, null);
            default:
                throw new ArgumentException($"unknown GLM case {name}");
        }
    }
}
