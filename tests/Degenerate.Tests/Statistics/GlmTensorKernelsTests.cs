using Degenerate.Statistics;
using Degenerate.Tensors;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// The portable GLM passes (GlmTensorKernels, on tensor operations: what the TorchSharp engine runs) against the
/// engine's own (glm.cpp on the native engine) and against statsmodels, on every fixture.
/// </summary>
public class GlmTensorKernelsTests
{
    private static GlmResult Fit(GlmFixture f, bool portable)
    {
        GlmProblem.ForcePortableKernels = portable;
        try
        {
            return GlmNewtonTests.FitFixture(f);
        }
        finally
        {
            GlmProblem.ForcePortableKernels = false;
        }
    }

    [Theory]
    [MemberData(nameof(GlmNewtonTests.Fixtures), MemberType = typeof(GlmNewtonTests))]
    public void PortableKernelsReproduceStatsmodels(string name)
    {
        var f = GlmFixture.Load(name);
        var r = Fit(f, portable: true);
        Assert.True(r.Converged, $"{name} did not converge");
        GlmNewtonTests.AssertMatches(f, r);
    }

    [Theory]
    [MemberData(nameof(GlmNewtonTests.Fixtures), MemberType = typeof(GlmNewtonTests))]
    public void PortableKernelsEqualTheEnginesOwn(string name)
    {
        var f = GlmFixture.Load(name);
        var own = Fit(f, portable: false);
        var portable = Fit(f, portable: true);
        Assert.Equal(own.Iterations, portable.Iterations);
        Close.All(own.Params.ToArray(), portable.Params, 1e-10, 1e-12, $"{name} params");
        Close.All(own.Bse.ToArray(), portable.Bse, 1e-10, 1e-12, $"{name} bse");
        Assert.Equal(own.Llf, portable.Llf, Math.Abs(own.Llf) * 1e-12);
    }

    [Fact]
    public void PortableInformationEqualsTheEnginesOwnPass()
    {
        // One pass of each family at a non-trivial β, weighted, with the implicit intercept.
        var rng = new System.Random(3);
        const int n = 200, c = 3;
        var x = new double[n * c];
        for (var i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
        var w = Enumerable.Range(0, n).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        using var xt = Tensor.FromArray(x, [n, c]);
        using var wt = Tensor.FromArray(w);
        using var beta = Tensor.FromArray(new[] { 0.3, -0.5, 0.25, 0.1 });
        foreach (var (family, link, y) in new (Family, Link, double[])[]
        {
            (Family.Gaussian, Link.Identity, Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 3).ToArray()),
            (Family.Binomial, Link.Logit, Enumerable.Range(0, n).Select(_ => (double)rng.Next(2)).ToArray()),
            (Family.Poisson, Link.Log, Enumerable.Range(0, n).Select(_ => (double)rng.Next(5)).ToArray()),
            (Family.Gamma, Link.Log, Enumerable.Range(0, n).Select(_ => 0.5 + rng.NextDouble() * 3).ToArray()),
        })
        {
            using var yt = Tensor.FromArray(y);
            foreach (var observed in new[] { false, true })
            {
                var own = Engine.Current.GlmKernels;
                var portable = GlmTensorKernels.Instance;
                var (s1, i1, k1) = (own ?? portable).Information(xt.Handle, true, yt.Handle, wt.Handle, family, link, observed, beta.Handle);
                var (s2, i2, k2) = portable.Information(xt.Handle, true, yt.Handle, wt.Handle, family, link, observed, beta.Handle);
                using Tensor a = new(s1), b = new(s2), ia = new(i1), ib = new(i2);
                Close.All(a.ToArray<double>(), b.ToArray<double>(), 1e-12, 1e-12, $"{family} score");
                Close.All(ia.ToArray<double>(), ib.ToArray<double>(), 1e-12, 1e-12, $"{family} information");
                Assert.Equal(k1, k2, Math.Abs(k1) * 1e-12);
            }
        }
    }
}
