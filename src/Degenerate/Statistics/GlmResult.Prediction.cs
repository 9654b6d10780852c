using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Degenerate.Statistics;

public sealed partial class GlmResult
{
    /// <summary>
    /// Predicted means at new rows with standard errors and 1 − <paramref name="alpha"/> confidence intervals
    /// (statsmodels' <c>get_prediction(exog).summary_frame(alpha)</c>; see <see cref="GlmPrediction"/>), using
    /// <see cref="CovParams"/> (robust when this result is) and t(df_resid) or the normal as <see cref="UsesTDistribution"/>.
    /// </summary>
    /// <param name="x">New rows with the fit's data columns, without the constant column (it is added when the fit has an
    /// intercept, as at fit time).</param>
    /// <param name="alpha">1 − the interval's level (default 0.05).</param>
    /// <exception cref="ArgumentException">x has the wrong number of columns, or a NaN or infinity (row and column named).</exception>
    /// <exception cref="ArgumentOutOfRangeException">alpha outside (0, 1).</exception>
    /// <exception cref="NotSupportedException">The multinomial family.</exception>
    public GlmPrediction GetPrediction(double[,] x, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1)");
        var data = Data ?? throw new NotSupportedException($"predictions with intervals are not available for the {Family} family");
        var rows = x.GetLength(0);
        if (x.GetLength(1) != data.Columns)
        {
            var hint = data.Intercept ? "; give x without the constant column" : "";
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"x has {x.GetLength(1)} columns but the fit has {data.Columns} data columns ({string.Join(", ", ParamNames.Skip(data.Intercept ? 1 : 0))}){hint}"), nameof(x));
        }
        // statsmodels' PredictionResults use df_resid (not df_resid_inference) for the t quantile.
        var q = UsesTDistribution ? StudentT.InvCDF(0, 1, DfResid, 1 - alpha / 2) : Normal.InvCDF(0, 1, 1 - alpha / 2);
        var k = data.Params;
        var row = new double[k];
        var mean = new double[rows];
        var meanSe = new double[rows];
        var lower = new double[rows];
        var upper = new double[rows];
        var eta = new double[rows];
        var etaSe = new double[rows];
        var obsLower = new double[rows];
        var obsUpper = new double[rows];
        // A new observation's variance adds the residual variance (scale, unit weight) for least squares.
        var leastSquares = Family == Family.Gaussian && Link == Link.Identity;
        for (var i = 0; i < rows; i++)
        {
            var c = 0;
            if (data.Intercept) row[c++] = 1;
            for (var j = 0; j < data.Columns; j++)
            {
                var v = x[i, j];
                if (!double.IsFinite(v))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"x contains a non-finite value ({v:R}) at row {i}, column {j}"), nameof(x));
                row[c++] = v;
            }
            double e = 0, variance = 0;
            for (var a = 0; a < k; a++)
            {
                e += row[a] * Params[a];
                for (var b = 0; b < k; b++) variance += row[a] * CovParams[a, b] * row[b];
            }
            var se = Math.Sqrt(Math.Max(variance, 0));
            eta[i] = e;
            etaSe[i] = se;
            mean[i] = LinkFunctions.Mean(Link, e);
            meanSe[i] = Math.Abs(LinkFunctions.MeanDerivative(Link, mean[i])) * se;
            // A decreasing link (inverse) swaps the ends; report them in order.
            var m1 = LinkFunctions.Mean(Link, e - q * se);
            var m2 = LinkFunctions.Mean(Link, e + q * se);
            lower[i] = Math.Min(m1, m2);
            upper[i] = Math.Max(m1, m2);
            var seObs = leastSquares ? Math.Sqrt(se * se + Scale) : double.NaN;
            obsLower[i] = e - q * seObs;
            obsUpper[i] = e + q * seObs;
        }
        return new GlmPrediction
        {
            Mean = mean, MeanSe = meanSe, MeanCiLower = lower, MeanCiUpper = upper, LinearPredictor = eta,
            LinearPredictorSe = etaSe, ObsCiLower = obsLower, ObsCiUpper = obsUpper, Alpha = alpha,
        };
    }
}
