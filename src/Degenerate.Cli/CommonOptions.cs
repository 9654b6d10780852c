using System.CommandLine;
using Degenerate.Statistics;

namespace Degenerate.Cli;

/// <summary>The data and model options that <c>glm</c> and <c>ladder</c> share, and their parsing into a <see cref="ModelSpec"/>.</summary>
internal sealed class CommonOptions
{
    public Argument<string> DataArgument { get; } = new("DATA") { Description = "CSV file: a header line of column names, then one row per observation" };

    public Option<string> TargetOption { get; } = new("--target", "-t") { Description = "the column to model (the response)", Required = true };

    public Option<string?> FeaturesOption { get; } = new("--features", "-f") { Description = "comma-separated feature columns (default: every column but the target)" };

    public Option<string?> LinkOption { get; } = new("--link") { Description = "identity, logit, probit, cloglog, log, inverse or sqrt (default: the family's canonical link, as in statsmodels; the ladder uses log for gamma)" };

    public Option<string> FamilyOption { get; }

    public CommonOptions(bool familyRequired)
    {
        FamilyOption = new Option<string>("--family")
        {
            Description = "gaussian, binomial, poisson, gamma, multinomial or negativebinomial",
            Required = familyRequired,
            DefaultValueFactory = familyRequired ? null! : _ => "gaussian",
        };
    }

    public void AddTo(Command command)
    {
        command.Arguments.Add(DataArgument);
        command.Options.Add(TargetOption);
        command.Options.Add(FeaturesOption);
        command.Options.Add(FamilyOption);
        command.Options.Add(LinkOption);
    }

    /// <summary>Reads the options and the CSV file: the family and link, and the dataset they apply to.</summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="groupsColumn">A column that holds cluster labels (glm's --groups): read as text and kept out of the default features.</param>
    /// <param name="numericColumns">Further numeric columns (glm's --offset, --exposure, weights) by option: read into
    /// <see cref="ModelSpec.Columns"/> and kept out of the default features.</param>
    /// <param name="dataPath">The CSV file to read instead of DATA as given (glm --distributed: this rank's shard).</param>
    /// <param name="deferFeatures">Leave the features in the table until they are read or split (ladder: see <see cref="Dataset.From"/>).</param>
    public ModelSpec Read(ParseResult parse, string? groupsColumn = null, IReadOnlyDictionary<string, string>? numericColumns = null,
        string? dataPath = null, bool deferFeatures = false)
    {
        var family = Names.ParseFamily(parse.GetValue(FamilyOption)!);
        var link = parse.GetValue(LinkOption) is { } l ? Names.ParseLink(l) : (Link?)null;
        var table = CsvTable.Load(dataPath ?? parse.GetValue(DataArgument)!);
        int[] notFeatures = [];
        string[]? groups = null;
        if (groupsColumn is not null)
        {
            var index = table.IndexOf(groupsColumn, "--groups");
            notFeatures = [index];
            groups = table.Cells(index);
        }
        var columns = new Dictionary<string, double[]>();
        foreach (var (option, name) in numericColumns ?? new Dictionary<string, string>())
        {
            var index = table.IndexOf(name, option);
            notFeatures = [.. notFeatures, index];
            columns[option] = table.Numbers(index);
        }
        var target = parse.GetValue(TargetOption)!;
        if (target.Contains(','))
            return ReadCounts(table, family, link, target, parse.GetValue(FeaturesOption), notFeatures, groups, columns);
        var data = Dataset.From(table, target, parse.GetValue(FeaturesOption), family == Family.Multinomial,
            TargetDomain(family), notFeatures, consume: true, deferFeatures);
        return new ModelSpec(table.Path, family, link, data) { Groups = groups, Columns = columns };
    }

    // --target S,F: binomial successes and failures (statsmodels' two-column endog) as proportions with trials.
    private static ModelSpec ReadCounts(CsvTable table, Family family, Link? link, string target, string? features, int[] notFeatures,
        string[]? groups, Dictionary<string, double[]> columns)
    {
        var names = target.Split(',').Select(n => n.Trim()).ToArray();
        if (names.Length != 2 || names.Any(n => n.Length == 0))
            throw new UsageException($"--target: '{target}' is not one column or two (successes,failures), e.g. --target s,f");
        if (family != Family.Binomial)
            throw new UsageException($"--target {target}: a two-column (successes,failures) target needs --family binomial");
        Func<double, string?> count = v => v >= 0 ? null : "is negative; successes and failures are counts >= 0";
        var failuresIndex = table.IndexOf(names[1], "--target");
        var data = Dataset.From(table, names[0], features, false, count, [.. notFeatures, failuresIndex], consume: true);
        if (data.Features.Contains(names[1])) throw new UsageException($"--features: '{names[1]}' is the target's failures column");
        var failures = table.Numbers(failuresIndex, count);
        var trials = new double[failures.Length];
        var proportion = new double[failures.Length];
        for (var i = 0; i < trials.Length; i++)
        {
            trials[i] = data.Y[i] + failures[i];
            proportion[i] = trials[i] > 0 ? data.Y[i] / trials[i] : 0;
        }
        return new ModelSpec(table.Path, family, link, data) { Groups = groups, Columns = columns, Trials = trials, Proportions = proportion };
    }

    // The values each family's likelihood is defined for, checked here so the message can name the row and column.
    private static Func<double, string?>? TargetDomain(Family family) => family switch
    {
        Family.Binomial => v => v is >= 0 and <= 1 ? null : "is outside [0, 1]; the binomial family takes 0/1 outcomes or proportions",
        Family.Poisson => v => v >= 0 ? null : "is negative; the poisson family takes counts >= 0",
        Family.NegativeBinomial => v => v >= 0 ? null : "is negative; the negative binomial family takes counts >= 0",
        Family.Gamma => v => v > 0 ? null : "is not positive; the gamma family takes values > 0",
        Family.Tweedie => v => v >= 0 ? null : "is negative; the tweedie family takes values >= 0",
        _ => null,
    };
}

/// <summary>What the user asked to model: the file, the family and link, and the data.</summary>
internal sealed record ModelSpec(string Path, Family Family, Link? Link, Dataset Data)
{
    /// <summary>The --groups column's labels, one per row, or null.</summary>
    public string[]? Groups { get; init; }

    /// <summary>The numeric columns asked for by option name (glm's --offset, --exposure, --freq-weights, --var-weights).</summary>
    public IReadOnlyDictionary<string, double[]> Columns { get; init; } = new Dictionary<string, double[]>();

    /// <summary>A two-column binomial target (--target S,F): trials S + F per row, else null.</summary>
    public double[]? Trials { get; init; }

    /// <summary>A two-column binomial target: S/(S + F) per row, else null (the response is Data.Y).</summary>
    public double[]? Proportions { get; init; }
}
