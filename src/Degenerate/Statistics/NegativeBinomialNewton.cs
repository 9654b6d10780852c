using Degenerate.Tensors;

namespace Degenerate.Statistics;

/// <summary>
/// Newton's method on (β, log α) for the NB2 model with the analytic score and observed information
/// (<see cref="NegativeBinomialTerms"/>), step-halving while the log-likelihood would fall and a growing ridge while the
/// information is not positive definite. The design enters only through two callbacks: the linear predictor, and the
/// sums Xᵀs, Xᵀc and XᵀHX over per-row factors, so the same code fits the full model (tensor products over the data)
/// and the null model (a constant: plain sums).
/// </summary>
internal sealed class NegativeBinomialNewton
{
    /// <summary>η = Xβ + offset on the host.</summary>
    public required Func<double[], double[]> LinearPredictor { get; init; }

    /// <summary>(Xᵀs, Xᵀc, Xᵀ·diag(h)·X) for per-row s, c and h.</summary>
    public required Func<double[], double[], double[], (double[] S, double[] C, double[,] H)> Products { get; init; }

    public required double[] Y { get; init; }

    public record struct Outcome(double[] Beta, double Alpha, double Llf, int Iterations, bool Converged, double MaxStep, int Ridged);

    private (double L, double[] Eta) Value(double[] beta, double alpha)
    {
        var eta = LinearPredictor(beta);
        double l = 0;
        for (var i = 0; i < Y.Length; i++) l += NegativeBinomialTerms.Of(Y[i], eta[i], alpha, true).L;
        return (l, eta);
    }

    /// <summary>
    /// Score and information in (β, d) at the linear predictor <paramref name="eta"/>, d = log α when
    /// <paramref name="logAlpha"/>, else α; the dispersion is the last coordinate.
    /// </summary>
    public (double[] Score, double[,] Information) Derivatives(double[] eta, double alpha, bool logAlpha)
    {
        var n = Y.Length;
        var s = new double[n];
        var c = new double[n];
        var h = new double[n];
        double sd = 0, hd = 0;
        for (var i = 0; i < n; i++)
        {
            var t = NegativeBinomialTerms.Of(Y[i], eta[i], alpha, logAlpha);
            s[i] = t.ScoreEta;
            h[i] = t.InfoEta;
            c[i] = t.InfoCross;
            sd += t.ScoreDispersion;
            hd += t.InfoDispersion;
        }
        var (xs, xc, xhx) = Products(s, c, h);
        var k = xs.Length;
        var score = new double[k + 1];
        var info = new double[k + 1, k + 1];
        for (var a = 0; a < k; a++)
        {
            score[a] = xs[a];
            info[a, k] = info[k, a] = xc[a];
            for (var b = 0; b < k; b++) info[a, b] = xhx[a, b];
        }
        score[k] = sd;
        info[k, k] = hd;
        return (score, info);
    }

    public Outcome Run(double[] beta, double alpha, double tolerance, int maxIterations)
    {
        beta = (double[])beta.Clone();
        var k = beta.Length;
        var theta = Math.Log(alpha);
        var (llf, eta) = Value(beta, alpha);
        int iterations = 0, ridged = 0;
        var converged = false;
        var maxStep = double.NaN;
        for (var it = 1; it <= maxIterations; it++)
        {
            iterations = it;
            var (score, info) = Derivatives(eta, Math.Exp(theta), true);
            var step = Solve(info, score, out var ridge);
            if (ridge) ridged++;
            if (step is null) break;
            // Step halving: Newton's full step from a start far from the optimum (or with an indefinite information) can
            // overshoot; a step that does not lower the log-likelihood (beyond rounding) is kept.
            var t = 1.0;
            double[] nextBeta;
            double nextTheta, nextLlf;
            double[] nextEta;
            while (true)
            {
                nextBeta = new double[k];
                for (var a = 0; a < k; a++) nextBeta[a] = beta[a] + t * step[a];
                nextTheta = theta + t * step[k];
                (nextLlf, nextEta) = Value(nextBeta, Math.Exp(nextTheta));
                if (nextLlf >= llf - 1e-12 * Math.Abs(llf) || t < 1e-10) break;
                t /= 2;
            }
            maxStep = step.Max(Math.Abs) * t;
            if (!double.IsFinite(nextLlf) || !double.IsFinite(maxStep)) break;
            (beta, theta, llf, eta) = (nextBeta, nextTheta, nextLlf, nextEta);
            if (maxStep <= tolerance)
            {
                converged = true;
                break;
            }
        }
        return new Outcome(beta, Math.Exp(theta), llf, iterations, converged, maxStep, ridged);
    }

    // information · step = score by Cholesky; while the information is not positive definite, a ridge of growing size
    // (relative to its diagonal) is added, a Levenberg–Marquardt step that still ascends.
    private static double[]? Solve(double[,] info, double[] score, out bool ridged)
    {
        ridged = false;
        var k = score.Length;
        var scale = 0.0;
        for (var a = 0; a < k; a++) scale = Math.Max(scale, Math.Abs(info[a, a]));
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var lambda = attempt == 0 ? 0 : scale * Math.Pow(10, attempt - 12);
            var m = (double[,])info.Clone();
            for (var a = 0; a < k; a++) m[a, a] += lambda;
            if (Cholesky.Solve(m, score) is { } step)
            {
                ridged = attempt > 0;
                return step;
            }
        }
        return null;
    }

    /// <summary>Dense Cholesky solve of a small symmetric system on the host; null when not positive definite.</summary>
    internal static class Cholesky
    {
        public static double[]? Solve(double[,] a, double[] b)
        {
            var n = b.Length;
            var l = new double[n, n];
            for (var j = 0; j < n; j++)
            {
                var d = a[j, j];
                for (var m = 0; m < j; m++) d -= l[j, m] * l[j, m];
                if (!(d > 0) || !double.IsFinite(d)) return null;
                l[j, j] = Math.Sqrt(d);
                for (var i = j + 1; i < n; i++)
                {
                    var v = a[i, j];
                    for (var m = 0; m < j; m++) v -= l[i, m] * l[j, m];
                    l[i, j] = v / l[j, j];
                }
            }
            var z = new double[n];
            for (var i = 0; i < n; i++)
            {
                var v = b[i];
                for (var m = 0; m < i; m++) v -= l[i, m] * z[m];
                z[i] = v / l[i, i];
            }
            var x = new double[n];
            for (var i = n - 1; i >= 0; i--)
            {
                var v = z[i];
                for (var m = i + 1; m < n; m++) v -= l[m, i] * x[m];
                x[i] = v / l[i, i];
            }
            return x;
        }
    }
}
