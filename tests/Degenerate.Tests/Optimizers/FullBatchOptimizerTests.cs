using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using Degenerate.Tests.Statistics;

namespace Degenerate.Tests.Optimizers;

/// <summary>The exact full-batch solvers: Newton and L-BFGS as Compile optimizers, and the L-BFGS core itself.</summary>
public sealed class FullBatchOptimizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-solver-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Newton_solves_least_squares_in_one_step_and_stops()
    {
        // The MSE loss is quadratic: the first Newton step lands on the least-squares solution, the second is ~0.
        var f = GlmFixture.Load("ols");
        using var model = new Sequential(new Dense(1, inputDim: 3)) { Device = Device.CPU };
        model.Compile("newton", "mse");
        var history = model.Fit(f.X, f.Y, epochs: 10, verbose: 0);
        Assert.Equal(2, history.Count);
        var w = model.GetWeights();
        var kernel = w[0].ToArray<double>();
        var bias = w[1].ToArray<double>();
        Close.All(f.Array("params"), [bias[0], kernel[0], kernel[1], kernel[2]], 1e-9, 1e-12, "least-squares weights");
        Assert.True(history["loss"][1] < history["loss"][0]);
    }

    [Fact]
    public void Solver_names_settings_and_bad_arguments()
    {
        Assert.IsType<Newton>(Optimizer.Get("newton"));
        Assert.IsType<LBFGS>(Optimizer.Get("LBFGS"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Newton(tolerance: 0));
        Assert.Equal("tolerance", e.ParamName);
        var h = Assert.Throws<ArgumentOutOfRangeException>(() => new LBFGS(historySize: 0));
        Assert.Equal("historySize", h.ParamName);
    }

    [Fact]
    public void A_Newton_compiled_model_saves_and_loads_its_solver()
    {
        var f = GlmFixture.Load("logit");
        using var model = new Sequential(new Dense(1, "sigmoid", inputDim: 3)) { Device = Device.CPU };
        model.Compile(new Newton(tolerance: 1e-9), "binary_crossentropy");
        model.Fit(f.X, f.Y, epochs: 30, verbose: 0);
        var path = Path.Combine(_dir, "newton.dgm");
        model.Save(path);
        using var loaded = Sequential.Load(path);
        var solver = Assert.IsType<Newton>(loaded.Optimizer);
        Assert.Equal(1e-9, solver.Tolerance);
        Assert.Equal(DType.Float64, loaded.DType);
        Assert.Equal(model.GetWeights()[0].ToArray<double>(), loaded.GetWeights()[0].ToArray<double>());
    }

    [Fact]
    public void Lbfgs_core_finds_the_Rosenbrock_minimum()
    {
        // f(a, b) = (1 − a)² + 100(b − a²)², minimum 0 at (1, 1): a curved valley where steepest descent crawls.
        static (double F, double[] G) Rosenbrock(double[] x)
        {
            double a = x[0], b = x[1];
            return ((1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a),
                [-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]);
        }
        var core = new LbfgsCore(10);
        double[] x = [-1.2, 1.0];
        var (f, g) = Rosenbrock(x);
        var iterations = 0;
        while (g.Max(Math.Abs) > 1e-10 && iterations++ < 200)
        {
            var next = core.Iterate(Rosenbrock, x, f, g);
            if (next is not { } r) break;
            (x, f, g) = (r.X, r.F, r.G);
        }
        Assert.InRange(iterations, 10, 100);
        Assert.Equal(1.0, x[0], 1e-8);
        Assert.Equal(1.0, x[1], 1e-8);
    }
}
