namespace Degenerate.Statistics;

/// <summary>
/// statsmodels' discrete-choice and count models (<c>statsmodels.discrete.discrete_model</c>): <c>Logit</c>,
/// <c>Probit</c>, <c>Poisson</c> and <c>MNLogit</c>, fitted by <see cref="Glm.Fit(double[,], double[], Family, Link?, GlmOptions?, double[])"/>
/// with the matching family and link. The estimates and statistics are the GLM's (the same likelihood, maximized
/// exactly); what differs is the result's <see cref="GlmResult.ModelName"/>, so its summary carries statsmodels'
/// discrete-model header (Method: MLE, Pseudo R-squ. (McFadden), LL-Null, LLR p-value, converged) rather than the
/// GLM header. As statsmodels' discrete models, they take no frequency or variance weights, and their standard errors
/// come from the observed information (the Hessian), which differs from the GLM's expected information for Probit.
/// </summary>
/// <example><code>
/// var logit = DiscreteModel.Logit(x, y);                     // sm.Logit(y, sm.add_constant(x)).fit()
/// Console.WriteLine(logit.Summary("admit"));
/// var counts = DiscreteModel.Poisson(x, visits, new GlmOptions { Exposure = days });
/// </code></example>
public static class DiscreteModel
{
    /// <summary>Logistic regression of a 0/1 (or proportion) response, as <c>sm.Logit(y, X).fit()</c>.</summary>
    /// <exception cref="ArgumentException">Bad input (as <see cref="Glm.Fit(double[,], double[], Family, Link?, GlmOptions?, double[])"/>), or
    /// options with frequency or variance weights.</exception>
    public static GlmResult Logit(double[,] x, double[] y, GlmOptions? options = null) =>
        Fit(x, y, Family.Binomial, Link.Logit, options, "Logit");

    /// <summary>Probit regression of a 0/1 (or proportion) response, as <c>sm.Probit(y, X).fit()</c>.</summary>
    /// <exception cref="ArgumentException">Bad input, or options with frequency or variance weights.</exception>
    public static GlmResult Probit(double[,] x, double[] y, GlmOptions? options = null) =>
        Fit(x, y, Family.Binomial, Link.Probit, options, "Probit");

    /// <summary>
    /// Poisson regression of counts with the log link, as <c>sm.Poisson(y, X, offset=..., exposure=...).fit()</c>
    /// (offset and exposure through <see cref="GlmOptions.Offset"/> and <see cref="GlmOptions.Exposure"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Bad input, or options with frequency or variance weights.</exception>
    public static GlmResult Poisson(double[,] x, double[] y, GlmOptions? options = null) =>
        Fit(x, y, Family.Poisson, Link.Log, options, "Poisson");

    /// <summary>
    /// Multinomial logit of class indices 0..k−1, as <c>sm.MNLogit(y, X).fit()</c>: class 0 is the reference, and
    /// the coefficients are listed class by class (<see cref="GlmOptions.ClassNames"/> names them).
    /// </summary>
    /// <exception cref="ArgumentException">Bad input, or options with frequency or variance weights.</exception>
    public static GlmResult MNLogit(double[,] x, double[] y, GlmOptions? options = null) =>
        Fit(x, y, Family.Multinomial, Link.Logit, options, "MNLogit");

    private static GlmResult Fit(double[,] x, double[] y, Family family, Link link, GlmOptions? options, string model)
    {
        if (options?.FreqWeights is not null || options?.VarWeights is not null)
            throw new ArgumentException(
                $"statsmodels' {model} takes no frequency or variance weights; use Glm.Fit with Family.{family} for a weighted fit",
                nameof(options));
        // statsmodels' discrete models take their covariance from the Hessian (observed information); for the
        // canonical links it equals the expected information, for Probit it does not.
        var result = Glm.Fit(x, y, family, link, (options ?? new GlmOptions()).WithObservedInformation());
        result._modelName = model;
        return result;
    }
}
