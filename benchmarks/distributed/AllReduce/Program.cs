// One rank of the all-reduce benchmark: for each size, 5 warm-up and 30 timed in-place float32 sums through
// ProcessGroup.AllReduce (c10d Gloo), a barrier before each; rank 0 prints "degenerate <elements> <median ms> <min ms>".
// Same sizes and protocol as torch_allreduce.py, which runs torch.distributed's Gloo all_reduce.
using System.Diagnostics;
using System.Globalization;
using Degenerate.Distributed;
using Degenerate.Tensors;

Engine.Use("native");
Engine.Threads = 1;
using var group = ProcessGroup.Initialize();
foreach (var n in new[] { 1_000, 100_000, 1_000_000, 10_000_000 })
{
    using var t = Tensor.Full([n], 1.0, DType.Float32);
    var times = new List<double>();
    for (var i = 0; i < 35; i++)
    {
        group.Barrier();
        var clock = Stopwatch.StartNew();
        group.AllReduce(t);
        clock.Stop();
        if (i >= 5) times.Add(clock.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    if (group.Rank == 0)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"degenerate {n} {times[times.Count / 2]:F4} {times[0]:F4}"));
}
