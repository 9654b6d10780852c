using BenchmarkDotNet.Attributes;
using Degenerate.Tensors;

namespace Degenerate.Benchmarks;

/// <summary>
/// What one tensor operation costs from C# (a P/Invoke into the shim, libtorch's dispatch, a SafeHandle), and what
/// creating a tensor from a managed array costs (one bulk copy).
/// </summary>
[MemoryDiagnoser]
public class TensorBenchmarks
{
    private Tensor _scalar = null!;
    private float[,] _rows = null!;

    /// <summary>Creates the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Engine.Threads = 1;
        _scalar = Tensor.Ones([], DType.Float32, Device.CPU);
        _rows = new float[100_000, 3];
    }

    /// <summary>Releases the inputs.</summary>
    [GlobalCleanup]
    public void Cleanup() => _scalar.Dispose();

    /// <summary>One element-wise op on a scalar tensor: the per-operation overhead of the op-by-op path.</summary>
    [Benchmark]
    public void AddScalarTensors()
    {
        using var sum = _scalar + _scalar;
    }

    /// <summary>A [100000, 3] float tensor from a managed array.</summary>
    [Benchmark]
    public void FromArray100kRows()
    {
        using var t = Tensor.FromArray(_rows);
    }
}
