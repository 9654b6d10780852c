using System.CommandLine;
using System.Globalization;

namespace Degenerate.Cli;

/// <summary>
/// <c>degenerate ladder DATA.csv --target COL [--family F]</c>: the balloon article's comparison. The same training
/// rows fit the degenerate network (the GLM, by maximum likelihood), the same one-layer network trained by Adam, and a
/// small Dense network; the held-out rows score all three with the same loss; a side-by-side table shows the result.
/// </summary>
internal static class LadderCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var common = new CommonOptions(familyRequired: false);
        var split = new Option<double>("--validation-split") { Description = "fraction of rows held out for validation: the last rows, as Keras", DefaultValueFactory = _ => 0.2 };
        var shuffle = new Option<bool>("--shuffle") { Description = "shuffle the rows (with --seed) before splitting, for files sorted by the target" };
        var hidden = new Option<string>("--hidden") { Description = "hidden layer widths of the network, comma-separated (relu)", DefaultValueFactory = _ => "16,16" };
        var epochs = new Option<int>("--epochs") { Description = "maximum epochs for the networks (early stopping on val_loss)", DefaultValueFactory = _ => 200 };
        var patience = new Option<int>("--patience") { Description = "early-stopping patience in epochs", DefaultValueFactory = _ => 5 };
        var learningRate = new Option<double>("--learning-rate") { Description = "Adam's learning rate for the networks", DefaultValueFactory = _ => 0.01 };
        var batchSize = new Option<int>("--batch-size") { Description = "mini-batch size for the networks", DefaultValueFactory = _ => 32 };
        var seed = new Option<int>("--seed") { Description = "seed for initial weights, batch order and --shuffle", DefaultValueFactory = _ => 42 };

        var command = new Command("ladder", "Fit the GLM and small networks on one train/validation split and compare them side by side.");
        common.AddTo(command);
        foreach (var option in new Option[] { split, shuffle, hidden, epochs, patience, learningRate, batchSize, seed }) command.Options.Add(option);
        command.SetAction(parse => CliApp.Guard(stderr, () =>
        {
            var settings = new LadderSettings(
                ValidationSplit: parse.GetValue(split),
                Shuffle: parse.GetValue(shuffle),
                Hidden: ParseHidden(parse.GetValue(hidden)!),
                Epochs: parse.GetValue(epochs),
                Patience: parse.GetValue(patience),
                LearningRate: parse.GetValue(learningRate),
                BatchSize: parse.GetValue(batchSize),
                Seed: parse.GetValue(seed));
            settings.Validate();
            // The features stay in the table until the split moves them into its parts: each row is held once.
            var spec = common.Read(parse, deferFeatures: true);
            var rungs = Ladder.Run(spec, settings);
            Ladder.Print(stdout, spec, settings, rungs);
            return 0;
        }));
        return command;
    }

    private static int[] ParseHidden(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var widths = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out widths[i]) || widths[i] <= 0)
                throw new UsageException($"--hidden: '{text}' must be positive integers separated by commas, e.g. 16,16");
        }
        return widths;
    }
}
