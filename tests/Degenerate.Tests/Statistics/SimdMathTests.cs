using System.Runtime.Intrinsics;
using System.Text.Json;
using Degenerate.Statistics;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// SimdMath's exp, log, log1p and softplus against NumPy (tests/fixtures/glm/simd_math.json, made by
/// make_simd_math_fixture.py) and .NET's Math.Exp/Math.Log: within 2 ulp everywhere, the special values exact.
/// </summary>
public class SimdMathTests
{
    private static double[][] Cases(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "glm", "simd_math.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty(name).EnumerateArray()
            .Select(p => new[] { p[0].GetDouble(), p[1].GetDouble() }).ToArray();
    }

    // Applies f to the arguments four at a time (the lanes mixed, so each lane position sees every kind of value).
    private static double[] Apply(Func<Vector256<double>, Vector256<double>> f, IReadOnlyList<double> x)
    {
        var result = new double[x.Count];
        for (var i = 0; i < x.Count; i += 4)
        {
            var lanes = new double[4];
            for (var j = 0; j < 4; j++) lanes[j] = x[Math.Min(i + j, x.Count - 1)];
            var r = f(Vector256.Create(lanes));
            for (var j = 0; j < 4 && i + j < x.Count; j++) result[i + j] = r[j];
        }
        return result;
    }

    // Within `ulps` units in the last place of the expected value (for subnormal results, of the smallest subnormal).
    private static void WithinUlps(double expected, double actual, double ulps, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}");
            return;
        }
        if (double.IsInfinity(expected) || expected == 0)
        {
            Assert.Equal(expected, actual);
            return;
        }
        var ulp = Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected);
        Assert.True(Math.Abs(actual - expected) <= ulps * ulp,
            $"{what}: expected {expected:R}, got {actual:R} ({Math.Abs(actual - expected) / ulp:G3} ulp)");
    }

    private static void Check(string name, Func<Vector256<double>, Vector256<double>> f, Func<double, double>? dotnet)
    {
        Skip.IfNot(GlmHostPass.Supported, "needs AVX2 and FMA");
        var cases = Cases(name);
        Assert.True(cases.Length > 1000);
        var got = Apply(f, cases.Select(c => c[0]).ToArray());
        for (var i = 0; i < cases.Length; i++)
        {
            WithinUlps(cases[i][1], got[i], 2, $"{name}({cases[i][0]:R}) vs NumPy");
            if (dotnet is not null) WithinUlps(dotnet(cases[i][0]), got[i], 2, $"{name}({cases[i][0]:R}) vs .NET");
        }
    }

    [SkippableFact]
    public void ExpMatchesNumPyAndMathExp() => Check("exp", SimdMath.Exp, Math.Exp);

    [SkippableFact]
    public void LogMatchesNumPyAndMathLog() => Check("log", SimdMath.Log, Math.Log);

    [SkippableFact]
    public void Log1pMatchesNumPy() => Check("log1p", SimdMath.Log1p, null);

    [SkippableFact]
    public void SpecialValuesAreExact()
    {
        Skip.IfNot(GlmHostPass.Supported, "needs AVX2 and FMA");
        double[] x = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 710, -746, 1e308, -1e308, 5e-324, -1, -5e-324];
        var exp = Apply(SimdMath.Exp, x);
        var log = Apply(SimdMath.Log, x);
        for (var i = 0; i < x.Length; i++)
        {
            WithinUlps(Math.Exp(x[i]), exp[i], 2, $"exp({x[i]:R})");
            WithinUlps(Math.Log(x[i]), log[i], 2, $"log({x[i]:R})");
        }
        double[] u = [double.NaN, double.PositiveInfinity, -1, -2, double.NegativeInfinity, 0.0, -0.0];
        double[] log1p = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.NaN, 0.0, -0.0];
        var got = Apply(SimdMath.Log1p, u);
        for (var i = 0; i < u.Length; i++) WithinUlps(log1p[i], got[i], 0, $"log1p({u[i]:R})");
    }

    [SkippableFact]
    public void SoftplusIsLog1pOfExpWithoutOverflow()
    {
        Skip.IfNot(GlmHostPass.Supported, "needs AVX2 and FMA");
        // softplus(x) = max(x, 0) + log1p(e^−|x|), the reference log1p compensated for the rounding of 1 + e.
        double[] x = [-800, -745, -40, -20, -1, -1e-10, 0, 1e-10, 0.5, 1, 20, 40, 700, 1e300, double.PositiveInfinity, double.NegativeInfinity];
        var got = Apply(SimdMath.Softplus, x);
        for (var i = 0; i < x.Length; i++)
        {
            var e = Math.Exp(-Math.Abs(x[i]));
            // Math.Log(1 + e) is inaccurate below e ≈ 1e-8; the series there is exact to double precision.
            var l = e < 1e-8 ? e - e * e / 2 : Math.Log(1 + e) - ((1 + e) - 1 - e) / (1 + e);
            var expected = double.IsNegativeInfinity(x[i]) ? 0 : Math.Max(x[i], 0) + l;
            WithinUlps(expected, got[i], 2, $"softplus({x[i]:R})");
        }
        Assert.True(double.IsNaN(Apply(SimdMath.Softplus, [double.NaN])[0]));
    }
}
