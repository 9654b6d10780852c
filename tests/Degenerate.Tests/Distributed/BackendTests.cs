using Degenerate.Distributed;
using Degenerate.Tensors;

namespace Degenerate.Tests.Distributed;

/// <summary>
/// The c10d backend a process group runs on (ProcessGroupOptions.Backend), chosen as PyTorch's init_process_group
/// does: Gloo on the CPU, NCCL (one GPU per rank) when the default device is CUDA and the native engine was built
/// against a CUDA libtorch with NCCL. This machine's libtorch (Debian's 1.13, CPU) has no NCCL, so asking for it must be
/// a clear error saying what is needed. The NCCL group itself runs only on a GPU machine (benchmarks/gpu/nccl_smoke.sh).
/// </summary>
public class BackendTests
{
    private static readonly Device Gpu0 = Device.FromNative((int)DeviceType.Cuda, 0);  // no GPU needed to name one

    [Fact]
    public void NoBackendMeansNcclOnlyWhenTheDefaultDeviceIsCudaAndNcclIsBuilt()
    {
        Assert.Equal("gloo", ProcessGroup.ChooseBackend(null, null, Device.CPU, 0, 2));
        Assert.Equal("nccl", ProcessGroup.ChooseBackend(null, null, Gpu0, 0, 1));
        // A CUDA default without NCCL in the engine: Gloo, whose collectives copy CUDA tensors through the host.
        Assert.Equal("gloo", ProcessGroup.ChooseBackend(null, "no NCCL here", Gpu0, 0, 1));
    }

    [Fact]
    public void NamedBackendsAreCaseInsensitiveAndOthersAreRejectedByName()
    {
        Assert.Equal("gloo", ProcessGroup.ChooseBackend("Gloo", "no NCCL here", Gpu0, 0, 1));
        Assert.Equal("nccl", ProcessGroup.ChooseBackend(" NCCL", null, Device.CPU, 1, 2));
        var e = Assert.Throws<ArgumentException>(() => ProcessGroup.ChooseBackend("mpi", null, Device.CPU, 0, 0));
        Assert.Equal("Backend", e.ParamName);
        Assert.Contains("\"mpi\"; expected \"gloo\", \"nccl\" or null", e.Message);
    }

    [Fact]
    public void NcclWithoutItOrWithoutTheRanksGpuSaysWhatIsNeeded()
    {
        var missing = Assert.Throws<NotSupportedException>(() => ProcessGroup.ChooseBackend("nccl", "this libtorch has no NCCL", Gpu0, 0, 1));
        Assert.Equal("ProcessGroupOptions.Backend is \"nccl\", but this libtorch has no NCCL", missing.Message);
        var gpu = Assert.Throws<InvalidOperationException>(() => ProcessGroup.ChooseBackend("nccl", null, Gpu0, 2, 2));
        Assert.Contains("LocalRank 2 would use cuda:2, but this machine has 2 GPU(s)", gpu.Message);
    }

    [Fact]
    public void WithNcclTheModelMustBeOnTheRanksGpu()
    {
        var gpu1 = Device.FromNative((int)DeviceType.Cuda, 1);
        Assert.Null(DataParallel.DeviceProblem("nccl", gpu1, gpu1, 1));
        Assert.Null(DataParallel.DeviceProblem("gloo", Device.CPU, Gpu0, 1));  // Gloo: through host copies
        var problem = DataParallel.DeviceProblem("nccl", gpu1, Gpu0, 1);
        Assert.Equal("rank 1: its NCCL group runs on cuda:1 but the model is on cuda:0: set the model's Device to group.Device, " +
                     "or DEGENERATE_DEVICE=cuda:<local rank> for each rank", problem);
    }

    [Fact]
    public void AnUnknownBackendIsRejectedBeforeAnyRendezvous()
    {
        // Validation comes first, so this holds on either engine and needs no peer.
        var options = new ProcessGroupOptions { Rank = 0, WorldSize = 1, FileStorePath = Ranks.NewStore(), Backend = "ucc" };
        try
        {
            var e = Assert.Throws<ArgumentException>(() => ProcessGroup.Initialize(options));
            Assert.Contains("\"ucc\"", e.Message);
        }
        finally
        {
            File.Delete(options.FileStorePath!);
        }
    }

    [Fact]
    public void ThisCpuLibtorchRefusesNcclClearlyAndRunsGloo()
    {
        var options = new ProcessGroupOptions { Rank = 0, WorldSize = 1, FileStorePath = Ranks.NewStore(), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            if (Engine.Name != "native")
            {
                Assert.Contains("native engine", Assert.Throws<NotSupportedException>(() => ProcessGroup.Initialize(options with { Backend = "nccl" })).Message);
                return;
            }
            if (Engine.CudaVersion is not null) return;  // a CUDA libtorch: the CPU build's refusal does not apply
            var e = Assert.Throws<NotSupportedException>(() => ProcessGroup.Initialize(options with { Backend = "nccl" }));
            Assert.Contains($"this libtorch ({Engine.TorchVersion}, CPU) has no NCCL", e.Message);
            Assert.Contains("build the native engine against a CUDA libtorch, e.g. pip torch's", e.Message);
            Assert.False(File.Exists(options.FileStorePath) && new FileInfo(options.FileStorePath!).Length > 0, "no rendezvous was started");
            foreach (var backend in new[] { null, "gloo" })
            {
                var path = Ranks.NewStore();
                using (var group = ProcessGroup.Initialize(options with { Backend = backend, FileStorePath = path }))
                {
                    Assert.Equal("gloo", group.Backend);
                    Assert.Equal(Device.CPU, group.Device);
                    var values = new[] { 1.5, -2.0 };
                    group.AllReduce(values);
                    Assert.Equal([1.5, -2.0], values);
                }
                File.Delete(path);
            }
        }
        finally
        {
            File.Delete(options.FileStorePath!);
        }
    }
}
