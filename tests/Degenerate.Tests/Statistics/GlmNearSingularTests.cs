using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Statistics;
using Degenerate.Tensors;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// Full-rank but ill-conditioned designs fitted as statsmodels fits them (issue 11): x2 = x1 + 1e-8·noise (condition
/// number 2.1e8) and a polynomial design (6e5), references from tests/fixtures/glm/make_near_singular_fixtures.py.
/// statsmodels' own digits there are limited: each fixture's params_spread (its pinv/lstsq fit against an independent
/// QR fit) is at most 7e-8 relative, inside the 1e-6 tolerance; its bse_spread at most 2e-9.
/// </summary>
public class GlmNearSingularTests
{
    private static void AssertSpreadInsideTolerance(GlmFixture f)
    {
        Assert.True(f.Number("params_spread") < 1e-7, $"{f.Name}: the reference itself is only good to {f.Number("params_spread"):G3}");
    }

    private static void AssertWarned(GlmResult r, GlmFixture f)
    {
        var expected = $"The condition number is large, {f.Text("condition_number_text")}.";
        Assert.Contains(r.Warnings, w => w.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("near_singular_ols")]
    [InlineData("near_singular_wls")]
    [InlineData("near_singular_polynomial")]
    public void Least_squares_equals_statsmodels_pinv(string name)
    {
        var f = GlmFixture.Load(name);
        AssertSpreadInsideTolerance(f);
        var r = Glm.Fit(f.X, f.Y, Family.Gaussian, weights: f.Weights);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(f.Array("params"), r.Params, 1e-6, 0, $"{name} params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 0, $"{name} bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, $"{name} llf");
        Close.Equal(f.Number("scale"), r.Scale, 1e-8, 0, $"{name} scale");
        Close.Equal(f.Number("rsquared"), r.RSquared, 1e-8, 0, $"{name} R²");
        Close.All(f.Array("conf_int_lower"), r.ConfInt().Lower, 1e-6, 0, $"{name} conf_int");
        Assert.Equal(f.Number("df_model"), r.DfModel);
        AssertWarned(r, f);
    }

    [Theory]
    [InlineData("near_singular_ols")]
    [InlineData("near_singular_wls")]
    public void Predictions_keep_their_digits(string name)
    {
        // statsmodels' mean_se (x·cov·xᵀ, cov entries ~1e14) loses its leading digits here; the reference is the QR
        // form sqrt(scale)·|R⁻ᵀx| computed in the fixture script. The mean itself is statsmodels'.
        var f = GlmFixture.Load(name);
        var r = Glm.Fit(f.X, f.Y, Family.Gaussian, weights: f.Weights);
        var p = r.GetPrediction(f.Matrix("predict_x"));
        // The mean xᵀβ sums terms of size |β| ~ 3e6 that cancel to ~1: statsmodels' pinv and QR fits already differ
        // by 5e-9 there, and ours by up to 6e-8 (measured), so 1e-7 absolute.
        Close.All(f.Array("predict_mean"), p.Mean, 0, 1e-7, "mean");
        Close.All(f.Array("predict_mean_se_qr"), p.MeanSe, 1e-6, 0, "mean_se");
        var robust = r.GetRobustCovResults(CovType.HC0).GetRobustCovResults(CovType.NonRobust).GetPrediction(f.Matrix("predict_x"));
        Close.All(f.Array("predict_mean_se_qr"), robust.MeanSe, 1e-6, 0, "mean_se after HC0 and back");
    }

    [Theory]
    [InlineData("near_singular_binomial")]
    [InlineData("near_singular_poisson")]
    [InlineData("near_singular_polynomial_poisson")]
    public void Glm_irls_equals_statsmodels(string name)
    {
        var f = GlmFixture.Load(name);
        AssertSpreadInsideTolerance(f);
        var r = Glm.Fit(f.X, f.Y, f.Family, f.Link, new GlmOptions { Tolerance = 1e-10 });
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(f.Array("params"), r.Params, 1e-6, 0, $"{name} params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 0, $"{name} bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, $"{name} llf");
        Close.Equal(f.Number("deviance"), r.Deviance, 1e-8, 0, $"{name} deviance");
        Close.Equal(f.Number("pearson_chi2"), r.PearsonChi2, 1e-6, 0, $"{name} pearson");
        AssertWarned(r, f);
    }

    [Fact]
    public void Offset_and_variance_weights_follow_the_orthogonal_fit()
    {
        var f = GlmFixture.Load("near_singular_poisson_offset");
        var r = Glm.Fit(f.X, f.Y, Family.Poisson, options: new GlmOptions
        {
            Offset = f.Array("offset"), VarWeights = f.Array("weights"), Tolerance = 1e-10,
        });
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(f.Array("params"), r.Params, 1e-6, 0, "params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 0, "bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, "llf");
        Close.Equal(f.Number("llnull"), r.LlNull, 1e-8, 0, "llnull");
    }

    // OLS: statsmodels' HC0/HC1 sandwich is built on pinv(X) and is accurate; its HC3 leverage is not (the fixture's
    // bse_HC3 is the QR form, statsmodels' aside). GLM: statsmodels inverts X'WX itself and
    // returns NaN or meaningless standard errors at this condition number (kept in the fixture as
    // bse_HC0_statsmodels); bse_HC0 there is the fixture's sandwich through numpy's QR of X.
    [Theory]
    [InlineData("near_singular_ols", "HC0")]
    [InlineData("near_singular_ols", "HC1")]
    [InlineData("near_singular_ols", "HC3")]
    [InlineData("near_singular_binomial", "HC0")]
    [InlineData("near_singular_poisson", "HC0")]
    public void Robust_covariances_come_through_the_factorization(string name, string cov)
    {
        var f = GlmFixture.Load(name);
        var covType = Enum.Parse<CovType>(cov);
        var fitted = Glm.Fit(f.X, f.Y, f.Family, f.Link, new GlmOptions { Tolerance = 1e-10 });
        var later = fitted.GetRobustCovResults(covType);
        var direct = Glm.Fit(f.X, f.Y, f.Family, f.Link, new GlmOptions { Tolerance = 1e-10, CovType = covType });
        Close.All(f.Array("bse_" + cov), later.Bse, 1e-5, 0, $"{name} {cov} bse (GetRobustCovResults)");
        Close.All(f.Array("bse_" + cov), direct.Bse, 1e-5, 0, $"{name} {cov} bse (GlmOptions.CovType)");
        // Back to the model-based covariance.
        Close.All(f.Array("bse"), later.GetRobustCovResults(CovType.NonRobust).Bse, 1e-5, 0, $"{name} nonrobust again");
        if (f.Has($"fvalue_{cov}_qr"))
        {
            // OLS's robust F that the slopes are zero: statsmodels' figure is meaningless here (it warns that the
            // constraints' covariance has rank 1 of 3 and prints ~0.17); the reference is the fixture's projection
            // form of the same Wald statistic by numpy's lstsq.
            Close.Equal(f.Number($"fvalue_{cov}_qr"), later.FValue, 1e-6, 0, $"{name} {cov} F");
            Close.Equal(f.Number($"fvalue_{cov}_qr"), direct.FValue, 1e-6, 0, $"{name} {cov} F (options)");
        }
    }

    [Fact]
    public void Logit_is_the_exact_maximum_where_statsmodels_Logit_stops_short()
    {
        // statsmodels' Logit solves its Hessian X'WX (condition number 4.6e16) with a 1e-10 ridge and does not converge
        // here (params_spread 1 against its own GLM); GLM's least-squares IRLS is the accurate reference. Our fit must
        // equal that and have a log-likelihood at least Logit's.
        var f = GlmFixture.Load("near_singular_logit");
        var r = Glm.Fit(f.X, f.Y, Family.Binomial, options: new GlmOptions { Tolerance = 1e-10 });
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(f.Array("glm_params"), r.Params, 1e-6, 0, "params");
        Close.All(f.Array("glm_bse"), r.Bse, 1e-5, 0, "bse");
        Assert.True(r.Llf >= f.Number("llf") - 1e-9 * Math.Abs(f.Number("llf")), $"llf {r.Llf} below statsmodels' Logit {f.Number("llf")}");
        Close.Equal(f.Number("llnull"), r.LlNull, 1e-10, 0, "llnull");
    }

    [Theory]
    [InlineData(Solver.LBFGS)]
    public void Other_exact_solvers_run_on_the_orthogonal_design(Solver solver)
    {
        var f = GlmFixture.Load("near_singular_poisson");
        var r = Glm.Fit(f.X, f.Y, Family.Poisson, options: new GlmOptions { Solver = solver });
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(f.Array("params"), r.Params, 1e-5, 0, "params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 0, "bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, "llf");
    }

    [Fact]
    public void FromModel_reads_a_near_singular_network_through_the_factorization()
    {
        var f = GlmFixture.Load("near_singular_ols");
        var expected = f.Array("params");
        using var model = new Sequential(new Dense(1, inputDim: 3)) { Device = Device.CPU };
        model.DType = DType.Float64;
        model.Compile("sgd", "mse");
        model.Build(3);
        var dense = (Dense)model.Layers[0];
        using (var scope = new DisposeScope())
        {
            dense.Kernel!.Detach().CopyFrom(Tensor.FromArray(new[,] { { expected[1] }, { expected[2] }, { expected[3] } }));
            dense.Bias!.Detach().CopyFrom(Tensor.FromArray(new[] { expected[0] }));
        }
        var r = Glm.FromModel(model, f.X, f.Y);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(expected, r.Params, 1e-8, 0, "params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 0, "bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, "llf");
        AssertWarned(r, f);
    }

    [Fact]
    public void Multinomial_equals_the_fit_of_an_exact_well_conditioned_reparametrization()
    {
        // MNLogit's own Newton (Hessian X'WX, κ² ~ 5e16) is no reference here. x2 − x1 is exact in float64 (Sterbenz)
        // and 2^27 is a power of two, so [x1, (x2 − x1)·2^27, x3] spans exactly the same column space, well
        // conditioned: its ordinary fit b maps to β1 = b1 − s·b2, β2 = s·b2, and the likelihood is the same.
        var f = GlmFixture.Load("near_singular_binomial");
        var x = f.X;
        var n = x.GetLength(0);
        var s = Math.ScaleB(1.0, 27);
        var y = new double[n];
        var z = new double[n, 3];
        for (var i = 0; i < n; i++)
        {
            y[i] = f.Y[i] + (x[i, 2] > 0.3 ? 1 : 0);
            z[i, 0] = x[i, 0];
            z[i, 1] = (x[i, 1] - x[i, 0]) * s;
            z[i, 2] = x[i, 2];
        }
        var near = Glm.Fit(x, y, Family.Multinomial, options: new GlmOptions { Tolerance = 1e-10 });
        var well = Glm.Fit(z, y, Family.Multinomial, options: new GlmOptions { Tolerance = 1e-10 });
        Assert.True(near.Converged, string.Join("; ", near.Warnings));
        Assert.Contains(near.Warnings, w => w.StartsWith("The condition number is large, 2.14e+08.", StringComparison.Ordinal));
        Assert.DoesNotContain(well.Warnings, w => w.Contains("condition number", StringComparison.Ordinal));
        // Q·R reproduces X to eps·|X|, which moves the weak direction by κ·eps ~ 2e-8: the likelihoods agree to ~1e-9.
        Close.Equal(well.Llf, near.Llf, 1e-8, 0, "llf");
        for (var e = 0; e < 2; e++)
        {
            var o = e * 4;
            Close.Equal(well.Params[o], near.Params[o], 1e-6, 0, $"const[{e}]");
            Close.Equal(well.Params[o + 1] - s * well.Params[o + 2], near.Params[o + 1], 1e-6, 0, $"x1[{e}]");
            Close.Equal(s * well.Params[o + 2], near.Params[o + 2], 1e-6, 0, $"x2[{e}]");
            Close.Equal(well.Params[o + 3], near.Params[o + 3], 1e-6, 0, $"x3[{e}]");
            Close.Equal(s * well.Bse[o + 2], near.Bse[o + 2], 1e-5, 0, $"bse x2[{e}]");
            Close.Equal(well.Bse[o + 3], near.Bse[o + 3], 1e-5, 0, $"bse x3[{e}]");
        }
    }

    [Fact]
    public void Exact_duplicates_are_still_refused_and_named()
    {
        var f = GlmFixture.Load("near_singular_ols");
        var x = f.X;
        for (var i = 0; i < x.GetLength(0); i++) x[i, 1] = x[i, 0];
        var e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, f.Y, Family.Gaussian, options: new GlmOptions { FeatureNames = ["a", "b", "c"] }));
        Assert.Contains("rank deficient (3 independent of 4 design columns)", e.Message);
        Assert.Contains("'b' is a linear combination of 'a'", e.Message);
        Assert.Equal("x", e.ParamName);
    }

    [Fact]
    public void A_combination_exact_to_rounding_is_refused()
    {
        // x2 = x1 + 0.1·x3 in floating point: its distance from the span is rounding (~1e-16), under numpy's
        // matrix_rank tolerance σmax·max(n, p)·eps.
        var f = GlmFixture.Load("near_singular_ols");
        var x = f.X;
        for (var i = 0; i < x.GetLength(0); i++) x[i, 1] = x[i, 0] + x[i, 2] * 0.1;
        var e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, f.Y, Family.Gaussian));
        Assert.Contains("'x3' is a linear combination of 'x1', 'x2'", e.Message);
    }

    [Fact]
    public void A_well_conditioned_design_gets_no_warning_and_the_normal_equations()
    {
        var f = GlmFixture.Load("ols");
        var r = Glm.Fit(f.X, f.Y, Family.Gaussian);
        Assert.DoesNotContain(r.Warnings, w => w.Contains("condition number", StringComparison.Ordinal));
    }
}
