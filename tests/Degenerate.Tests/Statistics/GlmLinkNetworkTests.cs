using Degenerate.Activations;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Statistics;
using Degenerate.Tensors;
using MathNet.Numerics.Distributions;

namespace Degenerate.Tests.Statistics;

/// <summary>The probit and cloglog activations, and networks built with them read back as statsmodels' GLMs.</summary>
public class GlmLinkNetworkTests
{
    [Fact]
    public void Probit_and_cloglog_activations_are_the_inverse_links()
    {
        double[] z = [-6, -2.5, -0.3, 0, 1e-9, 0.7, 3, 8];
        using var scope = new DisposeScope();
        var x = Tensor.FromArray(z);
        var probit = ActivationFunction.Get("probit").Apply(x).ToArray<double>();
        var cloglog = ActivationFunction.Get("cloglog").Apply(x).ToArray<double>();
        for (var i = 0; i < z.Length; i++)
        {
            // References: MathNet's normal CDF (erfc form) and 1 − exp(−e^z) written with expm1.
            // gelu(z)/z carries erf's cancellation for z < 0: about 1e-16/Φ(z) relative (the class remarks).
            var phi = Normal.CDF(0, 1, z[i]);
            Close.Equal(phi, probit[i], Math.Max(1e-14, 1e-15 / phi), 1e-300, $"probit({z[i]})");
            Close.Equal(-double.ExpM1(-Math.Exp(z[i])), cloglog[i], 1e-13, 1e-300, $"cloglog({z[i]})");
        }
        Assert.IsType<Probit>(ActivationFunction.Get("probit"));
        Assert.IsType<CLogLog>(ActivationFunction.Get("cloglog"));
    }

    [Fact]
    public void Probit_gradient_is_the_normal_density_including_at_zero()
    {
        double[] z = [-2, -1e-4, 0, 0.5];
        using var scope = new DisposeScope();
        var x = Tensor.FromArray(z);
        x.RequiresGrad = true;
        var y = new Probit().Apply(x).Sum();
        var g = Autograd.Grad(y, [x])[0]!.ToArray<double>();
        for (var i = 0; i < z.Length; i++) Close.Equal(Normal.PDF(0, 1, z[i]), g[i], 1e-10, 1e-14, $"dΦ/dz({z[i]})");
    }

    [Theory]
    [InlineData("binomial_probit", "probit")]
    [InlineData("binomial_cloglog", "cloglog")]
    public void A_Dense_network_with_the_link_activation_is_statsmodels_GLM(string fixture, string activation)
    {
        var f = GlmFixture.Load(fixture);
        Degenerate.Random.Seed(5);
        using var model = new Sequential(new Dense(1, activation, inputDim: 2, kernelInitializer: new Degenerate.Initializers.Zeros())) { Device = Device.CPU };
        model.Compile(new Newton(), "binary_crossentropy");
        model.Fit(f.X, f.Y, epochs: 50, verbose: 0);
        var r = Glm.FromModel(model, f.X, f.Y);
        Assert.Equal(Family.Binomial, r.Family);
        Assert.Equal(f.Link, r.Link);
        Assert.True(r.Converged, string.Join("; ", r.Warnings));
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, $"{fixture} network params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 1e-10, $"{fixture} network bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, $"{fixture} network llf");
    }

    [Fact]
    public void A_linear_network_with_the_Poisson_loss_is_the_identity_link_Poisson_GLM()
    {
        var f = GlmFixture.Load("poisson_identity");
        var glm = Glm.Fit(f.X, f.Y, Family.Poisson, Link.Identity);
        using var model = new Sequential(new Dense(1, inputDim: 2)) { Device = Device.CPU };
        model.Compile(new Newton(), "poisson");
        model.Build(2);
        // Start at the exact fit: FromModel must recognise the pair and find the weights at the maximum.
        var dense = (Dense)model.Layers[0];
        using (var scope = new DisposeScope())
        {
            dense.Kernel!.Detach().CopyFrom(Tensor.FromArray(new[,] { { glm.Params[1] }, { glm.Params[2] } }).To(dense.Kernel.DType));
            dense.Bias!.Detach().CopyFrom(Tensor.FromArray(new[] { glm.Params[0] }).To(dense.Bias.DType));
        }
        var r = Glm.FromModel(model, f.X, f.Y);
        Assert.Equal((Family.Poisson, Link.Identity), (r.Family, r.Link));
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, "params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 1e-10, "bse");
    }

    [Theory]
    [InlineData("gaussian_log", "exponential", "mse", Family.Gaussian, Link.Log)]
    [InlineData("gaussian_inverse", "inverse", "mse", Family.Gaussian, Link.Inverse)]
    [InlineData("binomial_log", "exponential", "binary_crossentropy", Family.Binomial, Link.Log)]
    [InlineData("gamma_identity", "linear", "gamma", Family.Gamma, Link.Identity)]
    public void Non_canonical_pairs_read_back_as_their_GLM(string fixture, string activation, string loss, Family family, Link link)
    {
        var f = GlmFixture.Load(fixture);
        var glm = Glm.Fit(f.X, f.Y, family, link);
        var p = f.X.GetLength(1);
        using var model = new Sequential(new Dense(1, activation, inputDim: p)) { Device = Device.CPU };
        model.Compile(new Newton(), loss);
        // At the exact fit's weights, FromModel must recognise the pair and give statsmodels' statistics.
        var dense = (Dense)model.Layers[0];
        using (var scope = new DisposeScope())
        {
            var kernel = new double[p, 1];
            for (var j = 0; j < p; j++) kernel[j, 0] = glm.Params[j + 1];
            dense.Kernel!.Detach().CopyFrom(Tensor.FromArray(kernel).To(dense.Kernel.DType));
            dense.Bias!.Detach().CopyFrom(Tensor.FromArray(new[] { glm.Params[0] }).To(dense.Bias.DType));
        }
        var r = Glm.FromModel(model, f.X, f.Y);
        Assert.Equal((family, link), (r.Family, r.Link));
        Close.All(f.Array("params"), r.Params, 1e-6, 1e-8, $"{fixture} params");
        Close.All(f.Array("bse"), r.Bse, 1e-5, 1e-10, $"{fixture} bse");
        Close.Equal(f.Number("llf"), r.Llf, 1e-8, 0, $"{fixture} llf");
    }
}
