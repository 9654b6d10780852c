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
    /// <param name="offset">The new rows' offsets, added to the linear predictor (default: none, as statsmodels for new rows).</param>
    /// <param name="exposure">The new rows' exposures (log link): log(exposure) is added to the linear predictor.</param>
    /// <exception cref="ArgumentException">x has the wrong number of columns, or a NaN or infinity (row and column named);
    /// offset or exposure has the wrong length, a non-finite value or (exposure) a value &lt;= 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException">alpha outside (0, 1).</exception>
    /// <exception cref="NotSupportedException">The multinomial family.</exception>
    public GlmPrediction GetPrediction(double[,] x, double alpha = 0.05, double[]? offset = null, double[]? exposure = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1)");
        // The data's layout, or a layout read back from ToJson's output (FromJson) when the data are not kept.
        var data = Data is { } d ? (d.Intercept, d.Columns) : _restoredLayout
            ?? throw new NotSupportedException($"predictions with intervals are not available for the {Family} family");
        var rows = x.GetLength(0);
        if (x.GetLength(1) != data.Columns)
        {
            var hint = data.Intercept ? "; give x without the constant column" : "";
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"x has {x.GetLength(1)} columns but the fit has {data.Columns} data columns ({string.Join(", ", ParamNames.Skip(data.Intercept ? 1 : 0))}){hint}"), nameof(x));
        }
        var shift = new double[rows];
        if (offset is not null)
        {
            if (offset.Length != rows)
                throw new ArgumentException($"offset has {offset.Length} values but x has {rows} rows; they must match", nameof(offset));
            for (var i = 0; i < rows; i++)
            {
                if (!double.IsFinite(offset[i]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"offset[{i}] = {offset[i]:R} is not finite"), nameof(offset));
                shift[i] = offset[i];
            }
        }
        if (exposure is not null)
        {
            if (Link != Link.Log) throw new ArgumentException($"exposure needs the log link; this fit's link is {Link}", nameof(exposure));
            if (exposure.Length != rows)
                throw new ArgumentException($"exposure has {exposure.Length} values but x has {rows} rows; they must match", nameof(exposure));
            for (var i = 0; i < rows; i++)
            {
                if (!(exposure[i] > 0) || double.IsPositiveInfinity(exposure[i]))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"exposure[{i}] = {exposure[i]:R}: exposure must be finite and > 0"), nameof(exposure));
                shift[i] += Math.Log(exposure[i]);
            }
        }
        // statsmodels' PredictionResults use df_resid (not df_resid_inference) for the t quantile.
        var q = UsesTDistribution ? StudentT.InvCDF(0, 1, DfResid, 1 - alpha / 2) : Normal.InvCDF(0, 1, 1 - alpha / 2);
        var k = data.Columns + (data.Intercept ? 1 : 0);
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
            var e = shift[i];
            for (var a = 0; a < k; a++) e += row[a] * Params[a];
            var variance = PredictionVariance(row);
            var se = Math.Sqrt(Math.Max(variance, 0));
            eta[i] = e;
            etaSe[i] = se;
            mean[i] = LinkFunctions.Mean(Link, e);
            meanSe[i] = Math.Abs(LinkFunctions.MeanDerivative(Link, mean[i], e)) * se;
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
