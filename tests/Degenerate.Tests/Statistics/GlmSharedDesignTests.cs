using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Degenerate.Statistics;
using Degenerate.Tensors;

namespace Degenerate.Tests.Statistics;

/// <summary>
/// Issue 14: a GLM's design (and y) on the CPU is the caller's array itself, on both engines — the TorchSharp engine
/// through <c>ITensorEngine.BorrowArray</c> (TorchSharp's from_array, pinned by the tensor's storage), the native
/// engine through the shim's borrow of the pinned array. These tests show the memory is shared (same address; a
/// write to the array is seen by the tensor) and that the lifetime is safe: the tensor stays valid under collections
/// while it lives, and the array is unpinned (collectable) once it is disposed.
/// </summary>
public class GlmSharedDesignTests
{
    private static double[,] Design(int rows, int cols, int seed)
    {
        var rng = new System.Random(seed);
        var x = new double[rows, cols];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++) x[i, j] = rng.NextDouble() * 2 - 1;
        return x;
    }

    private static unsafe nint Address(double[,] x) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(x));

    private static unsafe nint Address(Tensor t) => (nint)Engine.Current.DataPointer(t.Handle);

    [Fact]
    public void TheDesignTensorIsTheCallersArray()
    {
        var x = Design(300, 4, 1);
        var (data, pin) = GlmInput.View(x, Device.CPU);
        try
        {
            Assert.Equal(new long[] { 300, 4 }, data.Shape);
            Assert.Equal(DType.Float64, data.DType);
            // Pinned (by the engine's storage or by the returned handle), so the address is stable while the view lives.
            Assert.Equal(Address(x), Address(data));
            x[7, 2] = 1234.5;
            x[299, 3] = -6.25;
            var seen = data.ToArray2D<double>();
            Assert.Equal(1234.5, seen[7, 2]);
            Assert.Equal(-6.25, seen[299, 3]);
        }
        finally
        {
            data.Dispose();
            if (pin.IsAllocated) pin.Free();
        }
    }

    [Fact]
    public void TheTorchSharpEngineSharesManagedArraysAndTheNativeEngineLeavesThemToTheShim()
    {
        var y = new double[] { 1, 2, 3 };
        var handle = Engine.Current.BorrowArray(y);
        if (Engine.Name != "torchsharp")
        {
            // The native engine views a pinned pointer instead (IGlmKernels.Borrow, covered by the test above).
            Assert.Null(handle);
            return;
        }
        Assert.NotNull(handle);
        using var t = new Tensor(handle!);
        Assert.Equal(new long[] { 3 }, t.Shape);
        y[1] = 20;
        Assert.Equal(new[] { 1.0, 20, 3 }, t.ToArray<double>());
        using (var empty = new Tensor(Engine.Current.BorrowArray(new double[0, 3])!))
            Assert.Equal(new long[] { 0, 3 }, empty.Shape);  // a distributed rank may hold no rows
        var e = Assert.Throws<ArgumentException>(() => Engine.Current.BorrowArray(new short[2]));
        Assert.Equal("array", e.ParamName);
        Assert.Contains("Int16", e.Message);
    }

    // The only reference to the array is the tensor's: collections that compact the heap must not move or free it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Tensor Data, GCHandle Pin, WeakReference Array) ViewOfAnArrayNobodyElseHolds(int seed)
    {
        var x = Design(2000, 3, seed);
        var (data, pin) = GlmInput.View(x, Device.CPU);
        return (data, pin, new WeakReference(x));
    }

    [Fact]
    public void ABorrowedDesignSurvivesCompactingCollectionsAndIsReleasedWithTheTensor()
    {
        var expected = Design(2000, 3, 5);
        var (data, pin, array) = ViewOfAnArrayNobodyElseHolds(5);
        try
        {
            for (var round = 0; round < 5; round++)
            {
                // Garbage around the array, then a full compacting collection: an unpinned array would move or go.
                for (var k = 0; k < 200; k++) _ = new double[1000 + k];
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                Assert.True(array.IsAlive);
                Assert.Equal(expected, data.ToArray2D<double>());
            }
        }
        finally
        {
            data.Dispose();
            if (pin.IsAllocated) pin.Free();
        }
        // Disposed (and, on the native engine, unpinned by the caller): nothing keeps the array any more.
        for (var round = 0; round < 3 && array.IsAlive; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(array.IsAlive);
    }

    [Fact]
    public void ViewsOfABorrowedDesignStayValidAfterTheDesignTensorIsDisposed()
    {
        // What the kernels make of X (aliases, row slices) may outlive X itself; on the TorchSharp engine the storage
        // holds the pin, so such a view still reads the array after X and the caller's pin are gone.
        if (Engine.Name != "torchsharp") return;  // the native engine's borrow is only as long as the caller's pin
        var expected = Design(2000, 3, 9);
        var (data, pin, _) = ViewOfAnArrayNobodyElseHolds(9);
        Assert.False(pin.IsAllocated);
        var rows = data.Slice(0, 1000, 2000);
        data.Dispose();
        using (rows)
        {
            for (var k = 0; k < 200; k++) _ = new double[1000 + k];
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var seen = rows.ToArray2D<double>();
            Assert.Equal(expected[1000, 0], seen[0, 0]);
            Assert.Equal(expected[1999, 2], seen[999, 2]);
        }
    }

    [Fact]
    public async Task ManyBorrowsUnderConcurrentCollectionsReadTheirOwnArrays()
    {
        using var stop = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                _ = new double[4096];
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                Thread.Sleep(1);
            }
        });
        try
        {
            Parallel.For(0, 4, worker =>
            {
                for (var k = 0; k < 50; k++)
                {
                    var seed = worker * 1000 + k;
                    var x = Design(257, 5, seed);
                    var sum = 0.0;
                    foreach (var v in x) sum += v;
                    var (data, pin) = GlmInput.View(x, Device.CPU);
                    try
                    {
                        using var total = data.Sum();
                        Assert.Equal(sum, total.Item(), 1e-9);
                    }
                    finally
                    {
                        data.Dispose();
                        if (pin.IsAllocated) pin.Free();
                    }
                }
            });
        }
        finally
        {
            stop.Cancel();
            await collector;
        }
    }

    [Fact]
    public void AFitNeverWritesToTheCallersArrays()
    {
        var x = Design(400, 3, 11);
        var rng = new System.Random(12);
        var y = new double[400];
        var w = new double[400];
        for (var i = 0; i < 400; i++)
        {
            y[i] = Math.Round(Math.Exp(0.2 + 0.5 * x[i, 0] - 0.3 * x[i, 2]) * rng.NextDouble() * 2);
            w[i] = 0.5 + rng.NextDouble();
        }
        var (x0, y0, w0) = ((double[,])x.Clone(), (double[])y.Clone(), (double[])w.Clone());
        foreach (var family in new[] { Family.Poisson, Family.Gaussian })
        {
            var fit = Glm.Fit(x, y, family, weights: w);
            Assert.True(fit.Converged);
        }
        Assert.Equal(x0, x);
        Assert.Equal(y0, y);
        Assert.Equal(w0, w);
    }
}
