using Degenerate.Distributed;

namespace Degenerate.Tests.Distributed;

/// <summary>Reading torchrun's, mpirun's and srun's environments (the variable names are theirs).</summary>
public class DistributedEnvironmentTests
{
    [Fact]
    public void TorchrunsEnvironmentUsesTheAgentStoreWithTheAttemptPrefix()
    {
        // What torchrun sets for each worker (torch/distributed/elastic/agent/server/local_elastic_agent.py).
        var env = new Dictionary<string, string?>
        {
            ["RANK"] = "1", ["WORLD_SIZE"] = "4", ["LOCAL_RANK"] = "1", ["LOCAL_WORLD_SIZE"] = "2", ["MASTER_ADDR"] = "node0",
            ["MASTER_PORT"] = "29400", ["TORCHELASTIC_USE_AGENT_STORE"] = "True", ["TORCHELASTIC_RESTART_COUNT"] = "2",
            ["TORCHELASTIC_RUN_ID"] = "job",
        };
        var found = DistributedEnvironment.Detect(env)!;
        Assert.Equal(("torchrun", 1, 4, 1, 2, "node0", 29400, true), (found.Launcher, found.Rank, found.WorldSize, found.LocalRank,
            found.LocalWorldSize, found.MasterAddr, found.MasterPort, found.UseAgentStore));
        var options = ProcessGroupOptions.FromEnvironment(env);
        Assert.True(options.UseAgentStore);
        Assert.Equal("/worker/attempt_2", options.StorePrefix);
    }

    [Fact]
    public void MpirunAndSrunAreReadWithLoopbackDefaults()
    {
        var mpi = DistributedEnvironment.Detect(new Dictionary<string, string?>
        {
            ["OMPI_COMM_WORLD_RANK"] = "2", ["OMPI_COMM_WORLD_SIZE"] = "3", ["OMPI_COMM_WORLD_LOCAL_RANK"] = "2",
        })!;
        Assert.Equal(("mpirun", 2, 3, 2, "127.0.0.1", 29500, false), (mpi.Launcher, mpi.Rank, mpi.WorldSize, mpi.LocalRank,
            mpi.MasterAddr, mpi.MasterPort, mpi.UseAgentStore));
        var slurm = DistributedEnvironment.Detect(new Dictionary<string, string?>
        {
            ["SLURM_PROCID"] = "5", ["SLURM_NTASKS"] = "8", ["SLURM_LOCALID"] = "1", ["SLURM_NTASKS_PER_NODE"] = "4(x2)",
            ["MASTER_ADDR"] = "10.0.0.1", ["MASTER_PORT"] = "12345",
        })!;
        Assert.Equal(("srun", 5, 8, 1, 4, "10.0.0.1", 12345), (slurm.Launcher, slurm.Rank, slurm.WorldSize, slurm.LocalRank,
            slurm.LocalWorldSize, slurm.MasterAddr, slurm.MasterPort));
    }

    [Fact]
    public void NoLauncherIsNullAndBadValuesNameTheVariable()
    {
        Assert.Null(DistributedEnvironment.Detect(new Dictionary<string, string?> { ["HOME"] = "/root" }));
        Assert.Throws<InvalidOperationException>(() => ProcessGroupOptions.FromEnvironment(new Dictionary<string, string?>()));
        var e = Assert.Throws<ArgumentException>(() => DistributedEnvironment.Detect(new Dictionary<string, string?>
        {
            ["RANK"] = "x", ["WORLD_SIZE"] = "2", ["MASTER_ADDR"] = "h", ["MASTER_PORT"] = "1",
        }));
        Assert.Contains("RANK='x'", e.Message);
        e = Assert.Throws<ArgumentException>(() => DistributedEnvironment.Detect(new Dictionary<string, string?>
        {
            ["RANK"] = "3", ["WORLD_SIZE"] = "2", ["MASTER_ADDR"] = "h", ["MASTER_PORT"] = "1",
        }));
        Assert.Contains("rank 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => DistributedEnvironment.Detect(new Dictionary<string, string?> { ["RANK"] = "0", ["WORLD_SIZE"] = "2" }));
        Assert.Contains("MASTER_ADDR", e.Message);
    }
}
