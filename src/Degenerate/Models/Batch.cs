namespace Degenerate.Models;

/// <summary>
/// One batch of a sequence that <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> read batch by batch (Keras's
/// <c>fit(dataset)</c>): inputs, targets and optional per-sample weights. Only <see cref="X"/> is needed for Predict.
/// The arrays (or tensors) are copied to the model's device when the batch is used and released after its step, so
/// memory holds one batch at a time however long the sequence is.
/// </summary>
public readonly record struct Batch
{
    /// <summary>Creates a batch.</summary>
    /// <param name="x">Inputs, [rows, features].</param>
    /// <param name="y">Targets (rows must match); may be left out for Predict.</param>
    /// <param name="sampleWeight">One weight per row, or null.</param>
    public Batch(Data x, Data y = default, Data? sampleWeight = null)
    {
        X = x;
        Y = y;
        SampleWeight = sampleWeight;
    }

    /// <summary>Inputs.</summary>
    public Data X { get; init; }

    /// <summary>Targets (empty for a prediction-only batch).</summary>
    public Data Y { get; init; }

    /// <summary>Per-sample weights, or null.</summary>
    public Data? SampleWeight { get; init; }

    /// <summary>An (x, y) pair as a batch.</summary>
    public static implicit operator Batch((Data X, Data Y) pair) => new(pair.X, pair.Y);

    /// <summary>An (x, y, sampleWeight) triple as a batch.</summary>
    public static implicit operator Batch((Data X, Data Y, Data SampleWeight) triple) => new(triple.X, triple.Y, triple.SampleWeight);
}
