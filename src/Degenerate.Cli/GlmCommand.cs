using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Degenerate.Statistics;

namespace Degenerate.Cli;

/// <summary>
/// <c>degenerate glm DATA.csv --target COL|S,F --family F [--features A,B] [--link L] [--solver S] [--offset COL]
/// [--exposure COL] [--freq-weights COL] [--var-weights COL] [--alpha A|ml] [--var-power P] [--json]</c>: fits the
/// GLM by maximum likelihood and prints statsmodels' summary, or with <c>--json</c> every statistic keyed by
/// statsmodels' attribute names.
/// </summary>
internal static class GlmCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var common = new CommonOptions(familyRequired: true);
        var solver = new Option<string>("--solver") { Description = "newton, lbfgs or adam", DefaultValueFactory = _ => "newton" };
        var json = new Option<bool>("--json") { Description = "print every statistic as JSON, keyed by statsmodels' names (params, bse, llf, ...)" };
        var noIntercept = new Option<bool>("--no-intercept") { Description = "fit without a constant term" };
        var maxIterations = new Option<int?>("--max-iterations") { Description = "iteration limit of the solver (default: the library's)" };
        var tolerance = new Option<double?>("--tolerance") { Description = "convergence tolerance of the solver (default: the library's)" };
        var timing = new Option<bool>("--timing") { Description = "also write the fit's wall time to stderr ('fit_seconds: S ...'), for benchmarks" };
        var repeat = new Option<int>("--repeat") { Description = "fit this many times (with --timing: one time per fit; the first includes one-off start-up costs)", DefaultValueFactory = _ => 1 };

        var covType = new Option<string>("--cov-type") { Description = "nonrobust, HC0, HC1, HC2, HC3 or cluster (with --groups), as statsmodels' fit(cov_type=...)", DefaultValueFactory = _ => "nonrobust" };
        var groups = new Option<string?>("--groups") { Description = "the column of cluster labels for --cov-type cluster (not a feature)" };
        var offset = new Option<string?>("--offset") { Description = "a column added to the linear predictor as is (statsmodels' offset; not a feature)" };
        var exposure = new Option<string?>("--exposure") { Description = "a column of exposures > 0 whose log is added to the linear predictor (log link; not a feature)" };
        var freqWeights = new Option<string?>("--freq-weights") { Description = "a column of frequency weights: each row stands for that many observations (not a feature)" };
        var alpha = new Option<string?>("--alpha") { Description = "the negative binomial family's alpha in V(mu) = mu + alpha*mu^2 (default 1, as statsmodels' GLM), or 'ml' to estimate it with the coefficients (statsmodels' discrete NegativeBinomial, NB2)" };
        var varPower = new Option<double?>("--var-power") { Description = "the tweedie family's variance power p in V(mu) = mu^p, >= 1 (default 1, as statsmodels)" };
        var varWeights = new Option<string?>("--var-weights") { Description = "a column of variance (prior) weights (not a feature)" };
        var distributed = new DistributedOption();
        var command = new Command("glm", "Fit a generalized linear model and print statsmodels' summary (or --json).");
        common.AddTo(command);
        command.Options.Add(solver);
        command.Options.Add(json);
        command.Options.Add(noIntercept);
        command.Options.Add(maxIterations);
        command.Options.Add(tolerance);
        command.Options.Add(timing);
        command.Options.Add(repeat);
        command.Options.Add(covType);
        command.Options.Add(groups);
        command.Options.Add(offset);
        command.Options.Add(exposure);
        command.Options.Add(freqWeights);
        command.Options.Add(varWeights);
        command.Options.Add(alpha);
        command.Options.Add(distributed.Option);
        command.Options.Add(varPower);
        command.SetAction(parse => CliApp.Guard(stderr, () =>
        {
            var fits = parse.GetValue(repeat);
            if (fits <= 0) throw new UsageException($"--repeat: must be a positive integer, got {fits}");
            var chosenSolver = Names.ParseSolver(parse.GetValue(solver)!);
            if (parse.GetValue(maxIterations) is { } m && m <= 0)
                throw new UsageException($"--max-iterations: must be a positive integer, got {m}");
            if (parse.GetValue(tolerance) is { } t && !(t > 0))
                throw new UsageException($"--tolerance: must be a positive number, got {t.ToString(CultureInfo.InvariantCulture)}");
            var chosenCov = ParseCovType(parse.GetValue(covType)!);
            var groupsColumn = parse.GetValue(groups);
            if (chosenCov == CovType.Cluster && groupsColumn is null)
                throw new UsageException("--cov-type cluster: give the column of cluster labels with --groups COL");
            if (chosenCov != CovType.Cluster && groupsColumn is not null)
                throw new UsageException($"--groups: used only with --cov-type cluster, not {parse.GetValue(covType)}");
            var extra = new Dictionary<string, string>();
            foreach (var option in new[] { offset, exposure, freqWeights, varWeights })
                if (parse.GetValue(option) is { } column) extra[option.Name] = column;
            var (givenAlpha, estimateAlpha) = ParseAlpha(parse.GetValue(alpha));
            if (parse.GetValue(varPower) is { } p && !(p >= 1 && double.IsFinite(p)))
                throw new UsageException($"--var-power: must be a number >= 1, got {p.ToString(CultureInfo.InvariantCulture)}");
            using var group = distributed.Join(parse);
            if (group is not null && chosenCov == CovType.Cluster)
                throw new UsageException("--distributed: --cov-type cluster is not available for a distributed fit (a cluster may span shards)");
            var spec = common.Read(parse, groupsColumn, extra, DistributedOption.ShardPath(parse.GetValue(common.DataArgument)!, group));
            if (group is not null && spec.Family == Family.Multinomial)
                throw new UsageException("--distributed: the multinomial family is not available here (each shard would number its own class labels)");
            if (group is not null && estimateAlpha)
                throw new UsageException("--distributed: --alpha ml is not distributed; give alpha as a number");
            if (parse.GetValue(alpha) is not null && spec.Family != Family.NegativeBinomial)
                throw new UsageException($"--alpha: used only with --family negativebinomial, not {Names.Lower(spec.Family)}");
            if (estimateAlpha && spec.Link is { } l && l != Link.Log)
                throw new UsageException($"--alpha ml: the NB2 model has the log link only, not {Names.Lower(l)}");
            if (parse.GetValue(varPower) is not null && spec.Family != Family.Tweedie)
                throw new UsageException($"--var-power: used only with --family tweedie, not {Names.Lower(spec.Family)}");
            var defaults = new GlmOptions();
            var options = new GlmOptions
            {
                Solver = chosenSolver,
                FitIntercept = !parse.GetValue(noIntercept),
                FeatureNames = spec.Data.Features.ToArray(),
                ClassNames = spec.Data.ClassNames?.ToArray(),
                MaxIterations = parse.GetValue(maxIterations) ?? defaults.MaxIterations,
                Tolerance = parse.GetValue(tolerance) ?? defaults.Tolerance,
                CovType = chosenCov,
                Groups = spec.Groups,
                Offset = spec.Columns.GetValueOrDefault("--offset"),
                Exposure = spec.Columns.GetValueOrDefault("--exposure"),
                FreqWeights = spec.Columns.GetValueOrDefault("--freq-weights"),
                VarWeights = spec.Columns.GetValueOrDefault("--var-weights"),
                Alpha = givenAlpha ?? defaults.Alpha,
                VarPower = parse.GetValue(varPower) ?? defaults.VarPower,
                ProcessGroup = group,
            };
            GlmResult? result = null;
            var seconds = new List<double>();
            for (var i = 0; i < fits; i++)
            {
                var clock = Stopwatch.StartNew();
                result = estimateAlpha
                    ? NegativeBinomialRegression.Fit(spec.Data.X, spec.Data.Y, options)
                    : Glm.Fit(spec.Data.X, spec.Proportions ?? spec.Data.Y, spec.Family, spec.Link, options, spec.Trials);
                seconds.Add(clock.Elapsed.TotalSeconds);
            }
            if (group is { IsMain: false }) return 0;  // only rank 0 prints
            if (parse.GetValue(timing))
                stderr.WriteLine("fit_seconds: " + string.Join(" ", seconds.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
            var text = parse.GetValue(json) ? result!.ToJson() : result!.Summary(spec.Trials is null ? spec.Data.Target : parse.GetValue(common.TargetOption)!);
            stdout.Write(text.EndsWith('\n') ? text : text + Environment.NewLine);
            return 0;
        }));
        return command;
    }

    // --alpha: a number > 0 (the GLM with that alpha) or "ml" (NB2, alpha estimated).
    private static (double? Alpha, bool Estimate) ParseAlpha(string? value)
    {
        if (value is null) return (null, false);
        if (value.Trim().Equals("ml", StringComparison.OrdinalIgnoreCase)) return (null, true);
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && a > 0 && double.IsFinite(a)) return (a, false);
        throw new UsageException($"--alpha: must be a positive number or 'ml' (estimate it), got '{value}'");
    }

    private static CovType ParseCovType(string value) => value.ToLowerInvariant() switch
    {
        "nonrobust" => CovType.NonRobust,
        "hc0" => CovType.HC0,
        "hc1" => CovType.HC1,
        "hc2" => CovType.HC2,
        "hc3" => CovType.HC3,
        "cluster" => CovType.Cluster,
        _ => throw new UsageException($"--cov-type: unknown covariance type '{value}'; expected nonrobust, HC0, HC1, HC2, HC3 or cluster"),
    };
}
