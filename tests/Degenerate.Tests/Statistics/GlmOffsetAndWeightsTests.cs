using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>Identities of offsets and weights that hold whatever the reference, and their argument checks.</summary>
public class GlmOffsetAndWeightsTests
{
    [Fact]
    public void Exposure_is_the_offset_log_exposure()
    {
        var f = GlmFixture.Load("poisson_exposure");
        var exposure = f.Array("exposure");
        var a = Glm.Fit(f.X, f.Y, Family.Poisson, options: new GlmOptions { Exposure = exposure });
        var b = Glm.Fit(f.X, f.Y, Family.Poisson, options: new GlmOptions { Offset = exposure.Select(v => Math.Log(v)).ToArray() });
        Close.All(a.Params, b.Params, 1e-12, 1e-14, "params");
        Close.Equal(a.Llf, b.Llf, 1e-13, 0, "llf");
        Close.Equal(a.LlNull, b.LlNull, 1e-13, 0, "llnull");
    }

    [Fact]
    public void Integer_frequency_weights_equal_repeated_rows()
    {
        var f = GlmFixture.Load("poisson_freq_weights");
        var freq = f.Array("freq_weights");
        var x = f.X;
        var rows = new List<int>();
        for (var i = 0; i < freq.Length; i++)
            for (var c = 0; c < (int)freq[i]; c++) rows.Add(i);
        var xr = new double[rows.Count, x.GetLength(1)];
        for (var i = 0; i < rows.Count; i++)
            for (var j = 0; j < x.GetLength(1); j++) xr[i, j] = x[rows[i], j];
        var yr = rows.Select(i => f.Y[i]).ToArray();
        var weighted = Glm.Fit(x, f.Y, Family.Poisson, options: new GlmOptions { FreqWeights = freq });
        var repeated = Glm.Fit(xr, yr, Family.Poisson);
        Close.All(repeated.Params, weighted.Params, 1e-10, 1e-12, "params");
        Close.All(repeated.Bse, weighted.Bse, 1e-9, 1e-12, "bse");
        Close.Equal(repeated.Llf, weighted.Llf, 1e-12, 0, "llf");
        Close.Equal(repeated.DfResid, weighted.DfResid, 1e-12, 0, "df_resid");
        Close.Equal(repeated.BicLlf, weighted.BicLlf, 1e-12, 0, "bic");
    }

    [Fact]
    public void Bad_offsets_and_weights_are_named()
    {
        var x = new double[,] { { 0.1 }, { 0.5 }, { 0.9 }, { 1.4 } };
        double[] y = [1, 0, 3, 2];
        var e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, y, Family.Poisson, options: new GlmOptions { Offset = [0, 1] }));
        Assert.Equal("Offset", e.ParamName);
        Assert.Contains("2 values but x has 4 rows", e.Message);
        e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, y, Family.Poisson, options: new GlmOptions { Exposure = [1, 2, 0, 1] }));
        Assert.Equal("Exposure", e.ParamName);
        Assert.Contains("Exposure[2] = 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, y, Family.Poisson, Link.Identity, new GlmOptions { Exposure = [1, 2, 3, 1] }));
        Assert.Contains("log link", e.Message);
        e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, y, Family.Poisson, options: new GlmOptions { FreqWeights = [1, -1, 1, 1] }));
        Assert.Equal("FreqWeights", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, y, Family.Poisson, options: new GlmOptions { VarWeights = [1, 0, 1, 1] }));
        Assert.Equal("VarWeights", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, y, Family.Poisson, options: new GlmOptions { Offset = [0, double.NaN, 0, 0] }));
        Assert.Contains("non-finite", e.Message);
        e = Assert.Throws<ArgumentException>(() => Glm.Fit(x, y, Family.Poisson, Link.Probit));
        Assert.Equal("link", e.ParamName);
        Assert.Throws<NotSupportedException>(() => Glm.Fit(x, y, Family.Poisson,
            options: new GlmOptions { Offset = [0, 0, 0, 0], Solver = Solver.Adam }));
    }
}
