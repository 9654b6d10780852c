using Degenerate.Statistics;
using Microsoft.Extensions.Logging;

namespace Degenerate.Tests.Statistics;

/// <summary>Separation, rank deficiency, non-convergence and bad input: warnings or exceptions that say what is wrong.</summary>
public class GlmDiagnosticsTests
{
    // The smallest neural network's data (shared/seeds/smallest-neural-network.txt): output = 1 − input 1.
    private static readonly double[,] SeedX = { { 1, 0 }, { 0, 0 }, { 1, 1 }, { 0, 1 } };
    private static readonly double[] SeedY = [0, 1, 0, 1];

    private sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add($"{logLevel}: {formatter(state, exception)}");
    }

    [Fact]
    public void Perfect_separation_of_the_seed_data_is_warned_and_logged_not_thrown()
    {
        var logger = new ListLogger();
        var r = Glm.Fit(SeedX, SeedY, Family.Binomial, options: new GlmOptions { Logger = logger });
        Assert.False(r.Converged);
        Assert.Contains(r.Warnings, w => w.StartsWith("Perfect separation", StringComparison.Ordinal));
        Assert.Contains(logger.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal) && m.Contains("Perfect separation"));
        // Newton stopped where every fitted probability is within 1e-10 of its label: x1 drives the fit, strongly negative.
        Assert.True(r.Params[1] < -10, $"x1 coefficient {r.Params[1]}");
        Assert.Contains("Perfect separation", r.Summary());
    }

    [Fact]
    public void Quasi_complete_separation_is_warned()
    {
        // x > 0 implies y = 1; at x = 0 both outcomes occur: the MLE of the slope is +infinity.
        double[,] x = { { -2 }, { -1 }, { 0 }, { 0 }, { 1 }, { 2 }, { 3 } };
        double[] y = [0, 0, 0, 1, 1, 1, 1];
        var r = Glm.Fit(x, y, Family.Binomial, options: new GlmOptions { MaxIterations = 60 });
        Assert.Contains(r.Warnings, w => w.StartsWith("Quasi-complete separation", StringComparison.Ordinal));
        Assert.False(r.Converged);
    }

    [Fact]
    public void Collinear_columns_are_named()
    {
        var rng = new System.Random(3);
        var n = 50;
        var x = new double[n, 3];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i, 0] = rng.NextDouble();
            x[i, 1] = rng.NextDouble();
            x[i, 2] = 2 * x[i, 0] - x[i, 1];
            y[i] = rng.NextDouble();
        }
        // Newton checks the information of its first pass; L-BFGS checks XᵀX in a pass of its own.
        foreach (var solver in new[] { Solver.Newton, Solver.LBFGS })
        {
            var e = Assert.Throws<ArgumentException>(() =>
                Glm.Fit(x, y, Family.Gaussian, options: new GlmOptions { FeatureNames = ["a", "b", "c"], Solver = solver }));
            Assert.Contains("rank deficient", e.Message);
            Assert.Contains("'c' is a linear combination of 'a', 'b'", e.Message);
        }
    }

    [Fact]
    public void A_constant_column_next_to_the_intercept_is_named()
    {
        var x = new double[10, 2];
        var y = new double[10];
        for (var i = 0; i < 10; i++)
        {
            x[i, 0] = i;
            x[i, 1] = 5;
            y[i] = i % 2;
        }
        // Glm.Fit takes the constant column as the intercept (sm.add_constant skips adding one); a network's bias is
        // a parameter of its own, so next to a constant column the design is rank deficient.
        Assert.Equal(["x1", "x2"], Glm.Fit(x, y, Family.Binomial).ParamNames);
        using var model = new Degenerate.Models.Sequential(new Degenerate.Layers.Dense(1, "sigmoid", inputDim: 2));
        model.Compile("sgd", "binary_crossentropy");
        model.Build(2);
        var e = Assert.Throws<ArgumentException>(() => Glm.FromModel(model, x, y));
        Assert.Contains("'x2' is a linear combination of 'const'", e.Message);
        Assert.Contains("constant column next to the intercept", e.Message);
    }

    [Fact]
    public void Non_convergence_is_warned()
    {
        var f = GlmFixture.Load("logit");
        var r = Glm.Fit(f.X, f.Y, Family.Binomial, options: new GlmOptions { MaxIterations = 2 });
        Assert.False(r.Converged);
        Assert.Equal(2, r.Iterations);
        Assert.Contains(r.Warnings, w => w.Contains("did not converge in 2 iterations"));
    }

    [Fact]
    public void Non_finite_values_are_reported_with_argument_row_and_column()
    {
        var x = new double[,] { { 1, 2 }, { 3, double.NaN }, { 5, 6 } };
        var e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, [1, 2, 3], Family.Gaussian));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("row 1, column 1", e.Message);
        Assert.Contains("NaN", e.Message);

        var e2 = Assert.Throws<ArgumentException>(() => Glm.Fit(new double[,] { { 1 }, { 2 }, { 4 } }, [1, double.PositiveInfinity, 0], Family.Poisson));
        Assert.Equal("y", e2.ParamName);
        Assert.Contains("row 1", e2.Message);
    }

    [Fact]
    public void Responses_outside_the_family_domain_are_rejected()
    {
        double[,] x = { { 1 }, { 2 }, { 3 } };
        var b = Assert.Throws<ArgumentException>(() => Glm.Fit(x, [0, 1.5, 1], Family.Binomial));
        Assert.Contains("y[1] = 1.5", b.Message);
        var g = Assert.Throws<ArgumentException>(() => Glm.Fit(x, [1, 0, 2], Family.Gamma));
        Assert.Contains("must be > 0", g.Message);
        var m = Assert.Throws<ArgumentException>(() => Glm.Fit(x, [0, 1, 2.5], Family.Multinomial));
        Assert.Contains("class index", m.Message);
        var len = Assert.Throws<ArgumentException>(() => Glm.Fit(x, [0, 1], Family.Binomial));
        Assert.Contains("x has 3 rows but y has 2", len.Message);
        var link = Assert.Throws<ArgumentException>(() => Glm.Fit(x, [0, 1, 1], Family.Binomial, Link.Inverse));
        Assert.Equal("link", link.ParamName);
        var w = Assert.Throws<ArgumentException>(() => Glm.Fit(x, [0, 1, 1], Family.Binomial, weights: [1, -2, 1]));
        Assert.Contains("weights[1] = -2", w.Message);
    }

    [Fact]
    public void Json_carries_every_statistic_under_statsmodels_names()
    {
        var f = GlmFixture.Load("poisson");
        var r = GlmNewtonTests.FitFixture(f);
        using var doc = System.Text.Json.JsonDocument.Parse(r.ToJson());
        var root = doc.RootElement;
        foreach (var key in new[] { "params", "bse", "tvalues", "pvalues", "conf_int", "llf", "llnull", "aic", "bic", "deviance",
                     "pearson_chi2", "prsquared", "rsquared", "nobs", "df_model", "df_resid", "scale", "iterations", "converged",
                     "warnings", "param_names" })
            Assert.True(root.TryGetProperty(key, out _), $"missing {key}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("rsquared").ValueKind); // NaN for Poisson
        Close.Equal(f.Number("llf"), root.GetProperty("llf").GetDouble(), 1e-12, 0, "json llf");
        Close.Equal(f.Array("conf_int_upper")[2], root.GetProperty("conf_int")[2][1].GetDouble(), 1e-5, 0, "json conf_int");
        // cov_params' diagonal is bse².
        Close.Equal(f.Array("bse")[1] * f.Array("bse")[1], root.GetProperty("cov_params")[1][1].GetDouble(), 2e-5, 0, "json cov_params");
    }

    [Fact]
    public void Options_and_interval_levels_out_of_range_are_named()
    {
        var f = GlmFixture.Load("logit");
        var tol = Assert.Throws<ArgumentOutOfRangeException>(() => Glm.Fit(f.X, f.Y, Family.Binomial, options: new GlmOptions { Tolerance = 0 }));
        Assert.Equal("Tolerance", tol.ParamName);
        var it = Assert.Throws<ArgumentOutOfRangeException>(() => Glm.Fit(f.X, f.Y, Family.Binomial, options: new GlmOptions { MaxIterations = 0 }));
        Assert.Equal("MaxIterations", it.ParamName);
        var names = Assert.Throws<ArgumentException>(() => Glm.Fit(f.X, f.Y, Family.Binomial, options: new GlmOptions { FeatureNames = ["a"] }));
        Assert.Contains("FeatureNames has 1 names but x has 3 columns", names.Message);
        var r = Glm.Fit(f.X, f.Y, Family.Binomial);
        var alpha = Assert.Throws<ArgumentOutOfRangeException>(() => r.ConfInt(1.5));
        Assert.Equal("alpha", alpha.ParamName);
        // A 90% interval is narrower than the 95% one, both centred on the estimate.
        var (lo90, hi90) = r.ConfInt(0.10);
        var (lo95, hi95) = r.ConfInt();
        for (var i = 0; i < r.Params.Count; i++)
        {
            Assert.True(lo95[i] < lo90[i] && hi90[i] < hi95[i]);
            Assert.Equal(r.Params[i], (lo90[i] + hi90[i]) / 2, 1e-12);
        }
    }
}
