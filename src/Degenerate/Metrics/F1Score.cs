namespace Degenerate.Metrics;

/// <summary>
/// F1 score 2·precision·recall / (precision + recall), as <c>keras.metrics.F1Score</c>: <see cref="FBetaScore"/> with
/// β = 1 (average null: one value per class, logged as f1_score_0, f1_score_1, ...).
/// </summary>
public sealed class F1Score(string? average = null, double? threshold = null, string name = "f1_score")
    : FBetaScore(average, 1.0, threshold, name);
