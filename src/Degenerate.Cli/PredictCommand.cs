using System.CommandLine;
using System.Globalization;
using System.Text;
using Degenerate.Statistics;

namespace Degenerate.Cli;

/// <summary>
/// <c>degenerate predict FIT.json NEW.csv [--alpha A] [--offset COL] [--exposure COL] [--output FILE]</c>: reads a
/// fit written by <c>degenerate glm --json</c> and writes, for every row of NEW.csv, statsmodels'
/// <c>get_prediction(exog).summary_frame(alpha)</c> columns as CSV: mean, mean_se, mean_ci_lower, mean_ci_upper, and
/// for OLS/WLS fits obs_ci_lower, obs_ci_upper.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var fit = new Argument<string>("FIT") { Description = "a fit as 'degenerate glm ... --json' writes it" };
        var data = new Argument<string>("NEW") { Description = "CSV file of new rows: a header line naming at least the fit's feature columns" };
        var alpha = new Option<double>("--alpha") { Description = "the intervals' level is 1 - alpha (default 0.05, as statsmodels' summary_frame)", DefaultValueFactory = _ => 0.05 };
        var offset = new Option<string?>("--offset") { Description = "a column of NEW added to the linear predictor as is (statsmodels' offset)" };
        var exposure = new Option<string?>("--exposure") { Description = "a column of NEW with exposures > 0 whose log is added to the linear predictor (log link)" };
        var output = new Option<string?>("--output", "-o") { Description = "write the CSV to this file instead of stdout" };
        var command = new Command("predict", "Predicted means with standard errors and intervals at new rows, from a fit saved by 'glm --json'.")
        {
            fit, data, alpha, offset, exposure, output,
        };
        command.SetAction(parse => CliApp.Guard(stderr, () =>
        {
            var level = parse.GetValue(alpha);
            if (!(level > 0 && level < 1))
                throw new UsageException($"--alpha: must be in (0, 1), got {level.ToString(CultureInfo.InvariantCulture)}");
            var fitPath = parse.GetValue(fit)!;
            if (!File.Exists(fitPath)) throw new UsageException($"fit file '{fitPath}' not found (write one with 'degenerate glm ... --json > {fitPath}')");
            var result = GlmResult.FromJson(File.ReadAllText(fitPath), $"'{fitPath}'");
            if (result.Family == Family.Multinomial)
                throw new UsageException($"'{fitPath}' is a multinomial fit; predict gives means with intervals for one-response families only");
            var table = CsvTable.Load(parse.GetValue(data)!);
            // The fit's data columns, by name: its coefficient names less the constant that was prepended.
            var features = result.ParamNames.Skip(result.PredictionLayout.Intercept ? 1 : 0).ToArray();
            var x = new double[table.RowCount, features.Length];
            for (var j = 0; j < features.Length; j++)
            {
                var column = table.Numbers(table.IndexOf(features[j], $"the fit's feature '{features[j]}'"));
                for (var i = 0; i < column.Length; i++) x[i, j] = column[i];
            }
            double[]? Column(Option<string?> option) =>
                parse.GetValue(option) is { } name ? table.Numbers(table.IndexOf(name, option.Name)) : null;
            var prediction = result.GetPrediction(x, level, Column(offset), Column(exposure));
            var observation = result.ModelName is "OLS" or "WLS";
            var csv = new StringBuilder();
            csv.Append("mean,mean_se,mean_ci_lower,mean_ci_upper").Append(observation ? ",obs_ci_lower,obs_ci_upper" : "").Append('\n');
            for (var i = 0; i < table.RowCount; i++)
            {
                csv.Append(R(prediction.Mean[i])).Append(',').Append(R(prediction.MeanSe[i])).Append(',')
                    .Append(R(prediction.MeanCiLower[i])).Append(',').Append(R(prediction.MeanCiUpper[i]));
                if (observation) csv.Append(',').Append(R(prediction.ObsCiLower[i])).Append(',').Append(R(prediction.ObsCiUpper[i]));
                csv.Append('\n');
            }
            if (parse.GetValue(output) is { } path)
            {
                try
                {
                    File.WriteAllText(path, csv.ToString());
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"--output: cannot write '{path}': {e.Message}");
                }
            }
            else stdout.Write(csv.ToString());
            return 0;
        }));
        return command;
    }

    private static string R(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}
