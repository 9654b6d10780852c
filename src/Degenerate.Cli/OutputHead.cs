using Degenerate.Activations;
using Degenerate.Losses;
using Degenerate.Statistics;

namespace Degenerate.Cli;

/// <summary>
/// The output layer and loss that make a network's last layer the GLM of a family: the inverse link is the
/// activation and the negative log-likelihood (up to constants) is the loss.
/// </summary>
internal sealed record OutputHead(Link? Link, int Units, ActivationFunction Activation, string LossName, bool ClassIndices)
{
    public static OutputHead For(Family family, Link? link, int? classes)
    {
        OutputHead Require(Link canonical, ActivationFunction activation, string loss)
        {
            if (link is { } l && l != canonical)
                throw new UsageException(
                    $"--link: the ladder fits {Names.Lower(family)} with the {Names.Lower(canonical)} link (a {activation.Name} output), not {Names.Lower(l)}");
            return new OutputHead(canonical, 1, activation, loss, false);
        }

        return family switch
        {
            Family.Gaussian => Require(Statistics.Link.Identity, new Linear(), "mean_squared_error"),
            Family.Binomial => Require(Statistics.Link.Logit, new Sigmoid(), "binary_crossentropy"),
            Family.Poisson => Require(Statistics.Link.Log, new Exponential(), "poisson"),
            // Gamma's canonical link (inverse) has no activation; the log link does (exponential), so the ladder uses it.
            Family.Gamma => Require(Statistics.Link.Log, new Exponential(), "gamma"),
            Family.Multinomial => link is null
                ? new OutputHead(null, classes ?? throw new InvalidOperationException("multinomial needs the class count"), new Softmax(),
                    "sparse_categorical_crossentropy", true)
                : throw new UsageException("--link: multinomial has no link option (its output is a softmax)"),
            _ => throw new UsageException($"--family: the ladder does not support {family}"),
        };
    }

    /// <summary>A fresh loss object for Compile.</summary>
    public Loss Loss() => Losses.Loss.Get(LossName);

    /// <summary>
    /// One-layer weights in the GLM's parameterization: unchanged for one output; for softmax, relative to class 0
    /// (the reference), since adding one vector to every column changes no probability.
    /// </summary>
    public (double[,] Weights, double[] Bias) Identify(double[,] kernel, double[] bias)
    {
        if (!ClassIndices) return (kernel, bias);
        var rows = kernel.GetLength(0);
        var columns = kernel.GetLength(1) - 1;
        var w = new double[rows, columns];
        var b = new double[columns];
        for (var j = 0; j < columns; j++)
        {
            for (var i = 0; i < rows; i++) w[i, j] = kernel[i, j + 1] - kernel[i, 0];
            b[j] = bias[j + 1] - bias[0];
        }
        return (w, b);
    }
}
