using System.Runtime.Intrinsics;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Tests.Models;

/// <summary>
/// The blocked predict kernel (BlockedPredict, both engines' predict plan) against the op-by-op forward
/// (<see cref="Model.RunEagerly"/>: libtorch's addmm and activations): row counts of one, fewer than a tile, not a
/// multiple of a block and several blocks; widths that are not a multiple of a vector or of the 4-unit tile; every
/// activation in hidden layers and heads, softmax included; float32 and float64. Its vector activations against
/// float64 (or exact) references over their whole range. Serial: one case switches the kernel off globally.
/// </summary>
[Collection(Serial.Name)]
public class BlockedPredictTests
{
    private static void SkipWithoutKernel() =>
        Skip.IfNot(BlockedPredict<float>.Supported, "this machine has no AVX2/FMA: predict runs the portable loops");

    private static Sequential Stack(string hidden, string head, int units, DType dtype) =>
        new(new Dense(13, hidden, inputDim: 3), new Dense(5, hidden == "relu" ? "tanh" : "relu", useBias: false),
            new Dense(9, hidden), new Dense(units, head)) { DType = dtype, Device = Device.CPU };

    private static double[] Flat(Tensor t) => t.To(DType.Float64, Device.CPU).ToArray<double>();

    // The planned Predict (more rows than the batch: the fused call) against the op-by-op one on the same model.
    private static (double[] Planned, double[] Eager) Both(Sequential model, Tensor x)
    {
        Assert.NotNull(TrainingPlan.Predict(model, x));
        model.RunEagerly = false;
        using var planned = model.Predict(x, batchSize: 1);
        model.RunEagerly = true;
        using var eager = model.Predict(x, batchSize: 100);
        model.RunEagerly = false;
        Assert.Equal(eager.Shape, planned.Shape);
        return (Flat(planned), Flat(eager));
    }

    public static TheoryData<string, string, int, DType> Cases()
    {
        var data = new TheoryData<string, string, int, DType>();
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            foreach (var head in new[] { "linear", "sigmoid", "relu", "tanh", "softmax" })
                data.Add("relu", head, head == "softmax" ? 7 : 1, dtype);
            data.Add("tanh", "sigmoid", 3, dtype);
            data.Add("sigmoid", "linear", 6, dtype);
            data.Add("linear", "softmax", 10, dtype);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void EqualsTheOpByOpForward(string hidden, string head, int units, DType dtype)
    {
        SkipWithoutKernel();
        using var model = Stack(hidden, head, units, dtype);
        model.Compile("adam", "mse");
        // 1 row, fewer than a tile, a tile and one, and many blocks with a ragged end (block sizes are 64 to 256 rows).
        foreach (var rows in new[] { 2, 7, 17, 1000, 4099 })
        {
            Degenerate.Random.Seed((ulong)rows);
            using var x = Tensor.RandUniform([rows, 3], -3, 3, dtype, Device.CPU);
            var (planned, eager) = Both(model, x);
            Assert.Equal(eager, planned, new Tolerance(dtype == DType.Float64 ? 1e-12 : 1e-6));
        }
    }

    [SkippableFact]
    public void OneRowAndZeroRowsGoThroughTheKernel()
    {
        SkipWithoutKernel();
        using var model = Stack("relu", "sigmoid", 2, DType.Float32);
        using var one = Tensor.RandUniform([1, 3], -1, 1, DType.Float32, Device.CPU);
        using var planned = TrainingPlan.Predict(model, one)!;
        model.RunEagerly = true;
        using var eager = model.Predict(one);
        Assert.Equal(Flat(eager), Flat(planned), new Tolerance(1e-6));
        model.RunEagerly = false;
        using var none = Tensor.Zeros([0, 3], DType.Float32, Device.CPU);
        using var empty = TrainingPlan.Predict(model, none)!;
        Assert.Equal([0L, 2L], empty.Shape);
    }

    [SkippableFact]
    public void ARowsOutputDoesNotDependOnTheBatchSizeOrTheOtherRows()
    {
        SkipWithoutKernel();
        // Keras's batch_size does not change predictions; here they are the same bit for bit, for any rows predicted
        // together (a few rows too go through the plan, and every row is computed alike wherever it sits in a block).
        using var model = Stack("tanh", "sigmoid", 3, DType.Float32);
        using var x = Tensor.RandUniform([700, 3], -2, 2, DType.Float32, Device.CPU);
        using var all = model.Predict(x, batchSize: 1);
        var whole = all.ToArray<float>();
        using (var again = model.Predict(x, batchSize: 1000)) Assert.Equal(whole, again.ToArray<float>());
        foreach (var (start, end) in new[] { (0L, 1L), (5L, 12L), (131L, 390L), (699L, 700L) })
        {
            using var part = x.Slice(0, start, end);
            using var predicted = model.Predict(part);
            Assert.Equal(whole[(int)(3 * start)..(int)(3 * end)], predicted.ToArray<float>());
        }
    }

    [SkippableFact]
    public void EqualsThePortableLoopsAndSplitsOverThreadsAlike()
    {
        SkipWithoutKernel();
        using var model = Stack("tanh", "softmax", 4, DType.Float64);
        using var x = Tensor.RandUniform([3001, 3], -2, 2, DType.Float64, Device.CPU);
        var kernels = new ManagedFusedKernels(Engine.Current);
        var weights = model.TrainableWeights.Select(w => w.Handle).ToArray();
        int[] acts = [3, 2, 3, 4];
        int[] bias = [1, 0, 1, 1];
        using var blocked = new Tensor(kernels.Predict(weights, acts, bias, x.Handle, 0));
        ManagedPredictSettings.Portable = true;
        try
        {
            using var portable = new Tensor(kernels.Predict(weights, acts, bias, x.Handle, 500));
            Assert.Equal(Flat(portable), Flat(blocked), new Tolerance(1e-12));
        }
        finally
        {
            ManagedPredictSettings.Portable = false;
        }
        // Blocks are independent, so threads change nothing, bit for bit.
        var serial = Run(model, x, acts, bias, threads: 1);
        Assert.Equal(serial, Run(model, x, acts, bias, threads: 3));
        Assert.Equal(Flat(blocked), serial);
    }

    private static unsafe double[] Run(Sequential model, Tensor x, int[] acts, int[] bias, int threads)
    {
        var weights = model.TrainableWeights.Select(w => (IntPtr)Engine.Current.DataPointer(w.Handle)).ToArray();
        var net = DenseLayout.From(model.TrainableWeights.Select(w => w.Shape).ToArray(), acts, bias);
        var rows = x.Size(0);
        var output = new double[rows * net.Out[^1]];
        fixed (double* o = output)
            BlockedPredict<double>.Run(net, weights, (double*)Engine.Current.DataPointer(x.Handle), o, rows, threads);
        return output;
    }

    [SkippableFact]
    public void NaNPropagatesThroughReluAsInLibtorch()
    {
        SkipWithoutKernel();
        // Model.Predict refuses non-finite inputs, so the kernel is called directly; the op-by-op relu (libtorch's
        // clamp) keeps NaN, and so must the kernel's, where a comparison with 0 would turn it into 0.
        using var model = new Sequential(new Dense(4, "relu", inputDim: 2), new Dense(3, "tanh"), new Dense(2, "sigmoid"))
            { DType = DType.Float64, Device = Device.CPU };
        var x = new double[40, 2];
        for (var i = 0; i < 40; i++) (x[i, 0], x[i, 1]) = (i / 10.0 - 2, 1 - i / 20.0);
        using var finite = Tensor.FromArray(x, Device.CPU);
        model.RunEagerly = true;
        using var eager = model.Predict(finite);
        model.RunEagerly = false;
        x[3, 0] = double.NaN;
        using var withNaN = Tensor.FromArray(x, Device.CPU);
        using var planned = TrainingPlan.Predict(model, withNaN)!;
        using var reluOfNaN = withNaN.Relu();
        Assert.True(double.IsNaN(reluOfNaN.ToArray<double>()[6]), "libtorch's relu keeps NaN");
        var p = Flat(planned);
        var e = Flat(eager);
        Assert.True(double.IsNaN(p[6]) && double.IsNaN(p[7]), $"row 3 gave {p[6]}, {p[7]}");
        p[6] = e[6];
        p[7] = e[7];
        Assert.Equal(e, p, new Tolerance(1e-12));
    }

    [SkippableFact]
    public unsafe void VectorActivationsMatchFloat64References()
    {
        SkipWithoutKernel();
        var rng = new System.Random(3);
        var values = new List<double> { 0, -0.0, 1e-300, -1e-20, 0.0299999, 0.03, 0.0300001, -0.5, 20, -20, 40, -90, -745, 800,
            double.PositiveInfinity, double.NegativeInfinity };
        for (var i = 0; i < 20_000; i++) values.Add((rng.NextDouble() * 2 - 1) * Math.Pow(10, rng.Next(-8, 3)));
        while (values.Count % 8 != 0) values.Add(rng.NextDouble());
        var n = values.Count;
        double[] sig = [.. values], tanh = [.. values];
        float[] sigF = [.. values.Select(v => (float)v)], tanhF = [.. sigF];
        fixed (double* s = sig, t = tanh)
        fixed (float* sf = sigF, tf = tanhF)
        {
            VectorActivations<double>.Activate(ManagedFusedKernels.SigmoidCode, s, n);
            VectorActivations<double>.Activate(ManagedFusedKernels.Tanh, t, n);
            VectorActivations<float>.Activate(ManagedFusedKernels.SigmoidCode, sf, n);
            VectorActivations<float>.Activate(ManagedFusedKernels.Tanh, tf, n);
        }
        for (var i = 0; i < n; i++)
        {
            double v = values[i], f = (float)v;
            Relative(1 / (1 + Math.Exp(-v)), sig[i], 2e-15, v, "sigmoid");
            // Near |x| = 0.03, 1 − 2/(e^{2x} + 1) loses up to a factor 33 of an ulp; still far inside 1e-12.
            Relative(Math.Tanh(v), tanh[i], 3e-14, v, "tanh");
            // float32: within 3 ulp of the exact value (libtorch's own sigmoid and tanh are within 1 to 2).
            Ulps((float)(1 / (1 + Math.Exp(-f))), sigF[i], 3, f, "sigmoid");
            Ulps((float)Math.Tanh(f), tanhF[i], 1, f, "tanh");
        }
        double[] nan = [double.NaN, double.NaN, double.NaN, double.NaN];
        fixed (double* p = nan) VectorActivations<double>.Activate(ManagedFusedKernels.Tanh, p, 4);
        Assert.All(nan, v => Assert.True(double.IsNaN(v)));
        Assert.True(double.IsNegative(tanh[1]) && tanh[1] == 0, "tanh(−0) is −0");
    }

    private static void Relative(double expected, double actual, double tolerance, double x, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected) || actual.Equals(expected),
            $"{what}({x:R}) = {actual:R}, expected {expected:R}");

    private static void Ulps(float expected, float actual, int ulps, double x, string what)
    {
        if (actual.Equals(expected)) return;
        // Below float32's normal range (sigmoid under −87) e^−x overflows to ∞ and the result is 0, as in libtorch.
        const float minNormal = 1.17549435e-38f;
        if (Math.Abs(expected) < minNormal && Math.Abs(actual) < minNormal) return;

        var ulp = Math.Max(MathF.BitIncrement(Math.Abs(expected)) - Math.Abs(expected), float.Epsilon);
        Assert.True(Math.Abs(actual - expected) <= ulps * ulp, $"{what}({x:R}) = {actual:R}, expected {expected:R} (float32)");
    }

    [Fact]
    public void BlockRowsAreWholeTilesWithinBounds()
    {
        var tile = 2 * Vector256<float>.Count;
        foreach (var widest in new long[] { 1, 3, 16, 100, 1000, 100_000 })
        {
            var rows = BlockedPredict<float>.BlockRows(widest);
            Assert.InRange(rows, tile, 256);
            Assert.Equal(0, rows % tile);
        }
    }
}
