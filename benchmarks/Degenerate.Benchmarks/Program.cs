// BenchmarkDotNet entry point: `dotnet run -c Release --project benchmarks/Degenerate.Benchmarks -- --filter '*'`.
// Benchmarks run in process (the native shim is already next to the assembly), with few iterations: these are
// micro-costs to compare with each other, not the side-by-side suite (benchmarks/run).
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

var config = DefaultConfig.Instance.AddJob(
    Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(8));
BenchmarkSwitcher.FromAssembly(typeof(Degenerate.Benchmarks.TensorBenchmarks).Assembly).Run(args, config);
