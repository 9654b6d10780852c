namespace Degenerate.Saving;

/// <summary>Which paths <see cref="Models.Model.SaveWeights"/> and <see cref="Models.Model.LoadWeights"/> treat as Keras files.</summary>
internal static class KerasWeightsFile
{
    /// <summary>Keras 3 requires this suffix for weights files (<c>saving_lib.save_weights_only</c>); so does Degenerate.</summary>
    public const string Suffix = ".weights.h5";

    public static bool IsKerasPath(string? path) => path is not null && path.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase);
}
