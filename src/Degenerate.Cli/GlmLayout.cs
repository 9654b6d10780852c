using Degenerate.Statistics;

namespace Degenerate.Cli;

/// <summary>
/// GLM coefficients as the weights of the equivalent Dense layer. A GLM with an intercept orders its parameters
/// [const, features...] per equation; the multinomial family has one equation per non-reference class, and the
/// reference class's column of the layer is zero.
/// </summary>
internal static class GlmLayout
{
    public static (double[,] Kernel, double[] Bias) ToDense(GlmResult glm, int features, int units)
    {
        var columns = features + 1;
        var equations = units == 1 ? 1 : units - 1;
        if (glm.Params.Count != columns * equations || glm.ParamNames[0] != (units == 1 ? "const" : $"{glm.ParamNames[0].Split(':')[0]}:const"))
            throw new InvalidOperationException(
                $"expected {columns * equations} GLM parameters with the intercept first, got {glm.Params.Count} ({string.Join(", ", glm.ParamNames)})");
        var kernel = new double[features, units];
        var bias = new double[units];
        var first = units == 1 ? 0 : 1; // multinomial: column 0 is the reference class, fixed at zero
        for (var e = 0; e < equations; e++)
        {
            bias[first + e] = glm.Params[e * columns];
            for (var i = 0; i < features; i++) kernel[i, first + e] = glm.Params[e * columns + 1 + i];
        }
        return (kernel, bias);
    }
}
