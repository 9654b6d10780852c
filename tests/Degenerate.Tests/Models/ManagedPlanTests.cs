using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;
using Degenerate.Tensors.Engines;
using static Degenerate.Tests.Models.FusedTrainingTests;

namespace Degenerate.Tests.Models;

/// <summary>
/// The managed training plan (ManagedFusedKernels, plan.cpp's C# port over tensor memory) on whichever engine runs:
/// its weights, losses and step counts equal the op-by-op autograd path's, its prediction the op-by-op forward's, and on
/// the native engine both equal plan.cpp's. On the native engine the portable optimizer is forced, so the managed
/// kernels (not plan.cpp) train. Serial: the fits draw their shuffling from the global generator, seeded alike.
/// </summary>
[Collection(Serial.Name)]
public class ManagedPlanTests
{
    public static TheoryData<string, string, string> All() => Combinations();

    [Theory]
    [MemberData(nameof(All))]
    public void ManagedPlanMatchesAutogradInFloat64(string hidden, string head, string optimizer) =>
        CompareWithEager(hidden, head, optimizer, DType.Float64, 1e-12);

    [Theory]
    [MemberData(nameof(All))]
    public void ManagedPlanMatchesAutogradInFloat32(string hidden, string head, string optimizer) =>
        CompareWithEager(hidden, head, optimizer, DType.Float32, 2e-5);

    private static (History History, double[][] Weights, long Iterations, double[] Predicted) Train(
        string hidden, string head, string optimizer, DType dtype, bool eager, bool portable, Sequential? copyFrom, out Sequential model)
    {
        var (x, y, w) = Data(37, 3, 2, binary: head.StartsWith("bce", StringComparison.Ordinal));
        Sequential? trained = null;
        var result = PlanTraining.Fit(eager, portable, () => trained = Model(hidden, head, optimizer, dtype, copyFrom), m =>
        {
            // Shuffled batches with a ragged last one, sample weights, a validation split: every path of Fit.
            var history = m.Fit(x, y, epochs: 4, batchSize: 8, validationSplit: 0.2, sampleWeight: w, verbose: 0);
            using var predicted = m.Predict(x, batchSize: 8);
            return (history, Weights(m), m.Optimizer!.Iterations, predicted.To(DType.Float64, Device.CPU).ToArray<double>());
        });
        model = trained!;
        return result;
    }

    private static void CompareWithEager(string hidden, string head, string optimizer, DType dtype, double tolerance)
    {
        var portable = Engine.Name == "native";  // TorchSharp's optimizers are always the portable ones
        using var fresh = Model(hidden, head, optimizer, dtype, null);  // the starting weights of both fits
        var e = Train(hidden, head, optimizer, dtype, eager: true, portable, fresh, out var eagerModel);
        var m = Train(hidden, head, optimizer, dtype, eager: false, portable, fresh, out var managedModel);
        eagerModel.Dispose();
        managedModel.Dispose();
        for (var i = 0; i < e.Weights.Length; i++) Assert.Equal(e.Weights[i], m.Weights[i], new Tolerance(tolerance));
        Assert.Equal(e.History["loss"], m.History["loss"], new Tolerance(tolerance));
        Assert.Equal(e.History["val_loss"], m.History["val_loss"], new Tolerance(tolerance));
        Assert.Equal(16, e.Iterations);  // 4 epochs × ceil(29 or 30 training rows / 8)
        Assert.Equal(e.Iterations, m.Iterations);
        Assert.Equal(e.Predicted, m.Predicted, new Tolerance(dtype == DType.Float64 ? 1e-12 : 2e-5));
    }

    [SkippableTheory]
    [MemberData(nameof(All))]
    public void OnTheNativeEngineManagedEqualsPlanCpp(string hidden, string head, string optimizer)
    {
        Skip.IfNot(Engine.Name == "native", "plan.cpp runs on the native engine only");
        using var fresh = Model(hidden, head, optimizer, DType.Float64, null);
        var native = Train(hidden, head, optimizer, DType.Float64, eager: false, portable: false, fresh, out var a);
        var managed = Train(hidden, head, optimizer, DType.Float64, eager: false, portable: true, fresh, out var b);
        a.Dispose();
        b.Dispose();
        for (var i = 0; i < native.Weights.Length; i++) Assert.Equal(native.Weights[i], managed.Weights[i], new Tolerance(1e-12));
        Assert.Equal(native.History["loss"], managed.History["loss"], new Tolerance(1e-12));
        Assert.Equal(native.Iterations, managed.Iterations);
        Assert.Equal(native.Predicted, managed.Predicted, new Tolerance(1e-12));
    }

    [Theory]
    [InlineData("linear", DType.Float64)]
    [InlineData("sigmoid", DType.Float64)]
    [InlineData("relu", DType.Float32)]
    [InlineData("tanh", DType.Float64)]
    [InlineData("softmax", DType.Float64)]
    public void ManagedPredictEqualsTheOpByOpForward(string head, DType dtype)
    {
        // 10,000 rows in chunks of 700: several chunks in parallel and a ragged last one.
        using var model = new Sequential(new Dense(16, "relu", inputDim: 3), new Dense(8, "tanh", useBias: false),
            new Dense(3, head)) { DType = dtype, Device = Device.CPU };
        model.Compile("adam", "mse");
        Degenerate.Random.Seed(5);
        using var x = Tensor.RandUniform([10_000, 3], -2, 2, dtype, Device.CPU);
        model.RunEagerly = true;
        using var expected = model.Predict(x);
        var weights = model.TrainableWeights.Select(w => w.Handle).ToArray();
        int[] acts = [2, 3, head switch { "linear" => 0, "sigmoid" => 1, "relu" => 2, "tanh" => 3, _ => 4 }];
        using var actual = new Tensor(new ManagedFusedKernels(Engine.Current).Predict(weights, acts, [1, 0, 1], x.Handle, 700));
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.To(DType.Float64, Device.CPU).ToArray<double>(), actual.To(DType.Float64, Device.CPU).ToArray<double>(),
            new Tolerance(dtype == DType.Float64 ? 1e-12 : 1e-6));
    }

    [Fact]
    public unsafe void DataPointerIsTheTensorsOwnMemory()
    {
        double[] values = [1.5, -2, 3.25, 4, 5, 6];
        using var t = Tensor.FromArray(values, [2L, 3L], Device.CPU, DType.Float64);
        var p = (double*)Engine.Current.DataPointer(t.Handle);
        Assert.Equal(values, new ReadOnlySpan<double>(p, 6).ToArray());
        p[4] = 42;  // a write through the pointer is the tensor's
        Assert.Equal(42, t.ToArray<double>()[4]);

        using var f = Tensor.FromArray(new float[] { 0.25f, 7 }, [2L], Device.CPU, DType.Float32);
        Assert.Equal(new[] { 0.25f, 7f }, new ReadOnlySpan<float>(Engine.Current.DataPointer(f.Handle), 2).ToArray());

        using var transposed = t.Transpose(0, 1);
        var e = Assert.Throws<InvalidOperationException>(() => (IntPtr)Engine.Current.DataPointer(transposed.Handle));
        Assert.Contains("contiguous", e.Message);
    }

    [Fact]
    public void FitEpochRefusesBadInputsByName()
    {
        Optimizer.ForcePortable = true;
        try
        {
            using var model = new Sequential(new Dense(2, "relu", inputDim: 3), new Dense(1, "sigmoid")) { DType = DType.Float64, Device = Device.CPU };
            model.Compile(new Adam(), "binary_crossentropy");
            model.Optimizer!.Build(model.TrainableWeights);
            var state = model.Optimizer.State!;
            var kernels = new ManagedFusedKernels(Engine.Current);
            using var x = Tensor.Zeros([4, 3], DType.Float64, Device.CPU);
            using var wide = Tensor.Zeros([4, 5], DType.Float64, Device.CPU);
            using var y = Tensor.Zeros([4, 1], DType.Float64, Device.CPU);
            using var y2 = Tensor.Zeros([3, 1], DType.Float64, Device.CPU);
            int[] acts = [2, 1], bias = [1, 1];
            var ex = Assert.Throws<ArgumentException>(() => kernels.FitEpoch(state, acts, bias, 1, wide.Handle, y.Handle, null, null, 2, 0.1));
            Assert.Equal("x", ex.ParamName);
            Assert.Contains("[rows, 3]", ex.Message);
            Assert.Equal("y", Assert.Throws<ArgumentException>(() => kernels.FitEpoch(state, acts, bias, 1, x.Handle, y2.Handle, null, null, 2, 0.1)).ParamName);
            Assert.Equal("loss", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.FitEpoch(state, acts, bias, 7, x.Handle, y.Handle, null, null, 2, 0.1)).ParamName);
            Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.FitEpoch(state, acts, bias, 1, x.Handle, y.Handle, null, null, 0, 0.1)).ParamName);
            Assert.Equal("hasBias", Assert.Throws<ArgumentException>(() => kernels.FitEpoch(state, acts, [1], 1, x.Handle, y.Handle, null, null, 2, 0.1)).ParamName);
            using var perm = Tensor.FromArray(new long[] { 0, 1, 2, 9 });
            Assert.Equal("permutation", Assert.Throws<ArgumentException>(() => kernels.FitEpoch(state, acts, bias, 1, x.Handle, y.Handle, null, perm.Handle, 2, 0.1)).ParamName);
            Assert.Equal(0, state.Iterations);  // refused before any update
        }
        finally
        {
            Optimizer.ForcePortable = false;
        }
    }
}
