using Degenerate.Tensors;

namespace Degenerate.Metrics;

// Argument checks shared by the metrics, with messages that name the argument and the shapes.
internal static class MetricChecks
{
    public static void SampleWeight(Tensor sampleWeight, long rows)
    {
        if (sampleWeight.NumElements != rows)
            throw new ArgumentException(
                $"sampleWeight has shape {sampleWeight.ShapeString} but the batch has {rows} sample(s): expected [{rows}]",
                nameof(sampleWeight));
    }

    public static void SameShape(Tensor yTrue, Tensor yPred, string metric)
    {
        if (!yTrue.Shape.SequenceEqual(yPred.Shape))
            throw new ArgumentException(
                $"{metric}: yTrue has shape {yTrue.ShapeString} but yPred has shape {yPred.ShapeString}; they must match",
                nameof(yTrue));
    }

    public static void Matrix(Tensor yPred, string metric)
    {
        if (yPred.Rank != 2)
            throw new ArgumentException($"{metric} expects predictions of shape [batch, classes], got {yPred.ShapeString}", nameof(yPred));
    }
}
