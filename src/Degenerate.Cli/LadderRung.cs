namespace Degenerate.Cli;

/// <summary>One model of the ladder and how it did on the validation rows.</summary>
/// <param name="Model">What the model is, e.g. "Dense(16 relu)-Dense(16 relu)-Dense(1 sigmoid)".</param>
/// <param name="FittedBy">How it was fitted, e.g. "Newton (maximum likelihood)" or "Adam, early stopping".</param>
/// <param name="Steps">Solver iterations (GLM) or epochs run (networks).</param>
/// <param name="ValidationLoss">The family's Keras loss on the validation rows.</param>
/// <param name="Weights">For one-layer models, coefficients by [feature, output] in the GLM's parameterization
/// (multinomial: relative to the reference class, one column per other class); null for deeper networks.</param>
/// <param name="Bias">Intercepts by output, with <paramref name="Weights"/>; null for deeper networks.</param>
/// <param name="ParameterCount">Number of trainable weights.</param>
/// <param name="Warnings">Diagnoses of the fit (the GLM's: separation, non-convergence, ...).</param>
/// <param name="Seconds">Wall time of the fit (training only, scoring excluded for the GLM).</param>
public sealed record LadderRung(string Model, string FittedBy, int Steps, double ValidationLoss, double[,]? Weights,
    double[]? Bias, long ParameterCount, IReadOnlyList<string> Warnings, double Seconds);
