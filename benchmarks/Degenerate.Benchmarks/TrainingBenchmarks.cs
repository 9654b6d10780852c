using BenchmarkDotNet.Attributes;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Benchmarks;

/// <summary>
/// One training step of the balloon MLP (3-16-16-1, Adam, batch 32) as Fit runs it: a one-batch epoch through the
/// compiled plan and through the op-by-op path (<see cref="Model.RunEagerly"/>).
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private Sequential _planned = null!;
    private Sequential _eager = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;

    private static Sequential Model(bool eager)
    {
        var model = new Sequential(new Dense(16, "relu", inputDim: 3), new Dense(16, "relu"), new Dense(1, "sigmoid"))
        {
            Device = Device.CPU,
            RunEagerly = eager,
        };
        model.Compile(new Adam(), "binary_crossentropy");
        return model;
    }

    /// <summary>Creates the models and one batch of data.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Engine.Threads = 1;
        _planned = Model(eager: false);
        _eager = Model(eager: true);
        _x = Tensor.RandUniform([32, 3], -1, 1, DType.Float32, Device.CPU);
        using var s = _x.Sum(1);
        using var positive = s.Gt(0);
        using var labels = positive.To(DType.Float32);
        _y = labels.Reshape(32, 1);
    }

    /// <summary>Releases models and data.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _planned.Dispose();
        _eager.Dispose();
        _x.Dispose();
        _y.Dispose();
    }

    /// <summary>One step through the compiled plan.</summary>
    [Benchmark(Baseline = true)]
    public void StepPlanned() => _planned.Fit(_x, _y, epochs: 1, batchSize: 32, shuffle: false, verbose: 0);

    /// <summary>One step op by op with autograd.</summary>
    [Benchmark]
    public void StepEager() => _eager.Fit(_x, _y, epochs: 1, batchSize: 32, shuffle: false, verbose: 0);
}
