using Degenerate.Tensors;

/// <summary>Independent references for the two regressions, computed with plain tensor algebra in float64.</summary>
internal static class Reference
{
    /// <summary>argmin ‖[X 1]β − y‖² over the first <paramref name="rows"/> rows, from the normal equations.</summary>
    public static double[] LeastSquares(double[,] x, double[] y, int rows)
    {
        using var scope = new DisposeScope();
        var (design, target) = Design(x, y, rows);
        var gram = design.T().MatMul(design);
        var moment = design.T().MatMul(target);
        return gram.Solve(moment).ToArray<double>();
    }

    /// <summary>The logistic-regression maximum-likelihood estimate by Newton's method from β = 0.</summary>
    public static double[] LogisticMle(double[,] x, double[] y, int rows)
    {
        using var scope = new DisposeScope();
        var (design, target) = Design(x, y, rows);
        var beta = Tensor.Zeros([design.Size(1), 1], DType.Float64);
        for (var iteration = 0; iteration < 50; iteration++)
        {
            using var step = new DisposeScope();
            var mu = design.MatMul(beta).Sigmoid();
            var gradient = design.T().MatMul(target - mu);
            var weights = mu * (1 - mu);
            var hessian = design.T().MatMul(design * weights);
            var delta = hessian.Solve(gradient);
            beta.AddInPlace(delta);
            if (delta.AbsMax().Item() <= 1e-10) break;
        }
        return beta.ToArray<double>();
    }

    /// <summary>Mean squared error of [X 1]β on rows from <paramref name="start"/> on (the validation rows).</summary>
    public static double MeanSquaredError(double[,] x, double[] y, double[] beta, int start)
    {
        using var scope = new DisposeScope();
        var (design, target) = Design(x, y, start, y.Length);
        var residual = design.MatMul(Tensor.FromArray(beta).Reshape(-1, 1)) - target;
        return residual.Square().Mean().Item();
    }

    /// <summary>Binary cross-entropy of σ([X 1]β) on rows from <paramref name="start"/> on, computed from the logits.</summary>
    public static double BinaryCrossentropy(double[,] x, double[] y, double[] beta, int start)
    {
        using var scope = new DisposeScope();
        var (design, target) = Design(x, y, start, y.Length);
        var logits = design.MatMul(Tensor.FromArray(beta).Reshape(-1, 1));
        return logits.BinaryCrossEntropyWithLogits(target).Mean().Item();
    }

    private static (Tensor Design, Tensor Target) Design(double[,] x, double[] y, int rows) => Design(x, y, 0, rows);

    private static (Tensor Design, Tensor Target) Design(double[,] x, double[] y, int start, int end)
    {
        var all = Tensor.FromArray(x, dtype: DType.Float64).Slice(0, start, end);
        var ones = Tensor.Ones([end - start, 1], DType.Float64);
        var design = Tensor.Cat([all, ones], 1);
        var target = Tensor.FromArray(y, dtype: DType.Float64).Slice(0, start, end).Reshape(-1, 1);
        return (design, target);
    }
}
