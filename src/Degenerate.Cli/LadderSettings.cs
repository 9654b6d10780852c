using System.Globalization;

namespace Degenerate.Cli;

/// <summary>How <c>ladder</c> splits the rows and trains the networks.</summary>
/// <param name="ValidationSplit">Fraction of rows held out (the last ones, after the optional shuffle).</param>
/// <param name="Shuffle">Whether to shuffle the rows before splitting.</param>
/// <param name="Hidden">Widths of the network's relu hidden layers.</param>
/// <param name="Epochs">Maximum epochs for the networks.</param>
/// <param name="Patience">Early-stopping patience on val_loss (the best epoch's weights are restored).</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="BatchSize">Mini-batch size.</param>
/// <param name="Seed">Seed for initial weights, batch order and the shuffle.</param>
public sealed record LadderSettings(double ValidationSplit, bool Shuffle, int[] Hidden, int Epochs, int Patience,
    double LearningRate, int BatchSize, int Seed)
{
    /// <summary>Throws <see cref="UsageException"/> naming the option whose value is out of range.</summary>
    public void Validate()
    {
        if (!(ValidationSplit > 0 && ValidationSplit < 1))
            throw new UsageException($"--validation-split: must be between 0 and 1 (exclusive), got {ValidationSplit.ToString(CultureInfo.InvariantCulture)}");
        if (Epochs <= 0) throw new UsageException($"--epochs: must be a positive integer, got {Epochs}");
        if (Patience < 0) throw new UsageException($"--patience: must be 0 or more, got {Patience}");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new UsageException($"--learning-rate: must be a positive number, got {LearningRate.ToString(CultureInfo.InvariantCulture)}");
        if (BatchSize <= 0) throw new UsageException($"--batch-size: must be a positive integer, got {BatchSize}");
    }
}
