/// <summary>
/// Data with a known multinomial-logit truth: standard-normal features, and a class drawn from
/// softmax(0, η₁, …, η_{k−1}) with η_j = β_j0 + Σ_i β_ji·x_i, class 0 being the reference (statsmodels' MNLogit).
/// </summary>
internal static class MultinomialData
{
    /// <summary>Rows of features and class indices drawn from <paramref name="truth"/>[class − 1, (const, features...)].</summary>
    public static (double[,] X, int[] Y) Generate(double[,] truth, int rows, int seed)
    {
        var random = new Random(seed);
        var equations = truth.GetLength(0);
        var features = truth.GetLength(1) - 1;
        var x = new double[rows, features];
        var y = new int[rows];
        var eta = new double[equations + 1];
        for (var n = 0; n < rows; n++)
        {
            for (var i = 0; i < features; i++) x[n, i] = Normal(random);
            eta[0] = 0;
            for (var j = 0; j < equations; j++)
            {
                eta[j + 1] = truth[j, 0];
                for (var i = 0; i < features; i++) eta[j + 1] += truth[j, i + 1] * x[n, i];
            }
            var max = eta.Max();
            var total = eta.Sum(e => Math.Exp(e - max));
            var u = random.NextDouble() * total;
            var k = 0;
            for (var cumulative = Math.Exp(eta[0] - max); cumulative < u && k < equations; cumulative += Math.Exp(eta[k] - max)) k++;
            y[n] = k;
        }
        return (x, y);
    }

    /// <summary>Coefficients drawn from N(0, scale²), [equations, 1 + features].</summary>
    public static double[,] RandomTruth(int features, int classes, double scale, int seed)
    {
        var random = new Random(seed);
        var truth = new double[classes - 1, features + 1];
        for (var j = 0; j < classes - 1; j++)
            for (var i = 0; i <= features; i++) truth[j, i] = scale * Normal(random);
        return truth;
    }

    // Box–Muller: one standard normal from two uniforms.
    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
