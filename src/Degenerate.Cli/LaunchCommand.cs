using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Degenerate.Distributed;
using Degenerate.Tensors;

namespace Degenerate.Cli;

/// <summary>
/// <c>degenerate launch --nproc-per-node N [--nnodes M --node-rank R --master-addr A --master-port P] -- COMMAND…</c>:
/// torchrun for users without Python. Node 0 hosts the rendezvous TCP store (c10d's, as torchrun's agent does); each
/// of the N processes started here gets torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
/// GROUP_RANK, MASTER_ADDR, MASTER_PORT, TORCHELASTIC_USE_AGENT_STORE=True, TORCHELASTIC_RESTART_COUNT=0, …), so
/// <see cref="ProcessGroup.Initialize"/> connects to the hosted store. When a rank fails, the others get 3 seconds to
/// fail on their own (a dead peer fails their collectives), the rest are stopped, and the command prints every failed
/// rank's last lines of output and exits with the exit code of the first to exit.
/// </summary>
internal static class LaunchCommand
{
    private const int TailLines = 20;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var perNode = new Option<int>("--nproc-per-node") { Description = "processes (ranks) to start on this machine", Required = true };
        var nodes = new Option<int>("--nnodes") { Description = "machines in the job", DefaultValueFactory = _ => 1 };
        var nodeRank = new Option<int>("--node-rank") { Description = "this machine's index, 0..nnodes-1 (node 0 hosts the store)", DefaultValueFactory = _ => 0 };
        var addr = new Option<string>("--master-addr") { Description = "address of node 0 (the store's host)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--master-port") { Description = "port of the store on node 0", DefaultValueFactory = _ => 29500 };
        var timeout = new Option<double>("--timeout") { Description = "seconds the store waits for a connection", DefaultValueFactory = _ => 1800 };
        var program = new Argument<string[]>("command") { Description = "the program and its arguments, after --", Arity = ArgumentArity.OneOrMore };

        var command = new Command("launch", "Start the ranks of a distributed job on this machine, as torchrun does (without Python).");
        foreach (var option in new Option[] { perNode, nodes, nodeRank, addr, port, timeout }) command.Options.Add(option);
        command.Arguments.Add(program);
        command.SetAction(parse => CliApp.Guard(stderr, () =>
        {
            var n = parse.GetValue(perNode);
            var m = parse.GetValue(nodes);
            var node = parse.GetValue(nodeRank);
            var masterPort = parse.GetValue(port);
            var seconds = parse.GetValue(timeout);
            if (n < 1) throw new UsageException($"--nproc-per-node must be >= 1, got {n}");
            if (m < 1) throw new UsageException($"--nnodes must be >= 1, got {m}");
            if (node < 0 || node >= m) throw new UsageException($"--node-rank must be in 0..{m - 1}, got {node}");
            if (masterPort is < 1 or > 65535) throw new UsageException($"--master-port must be in 1..65535, got {masterPort}");
            if (!(seconds > 0)) throw new UsageException($"--timeout must be a positive number of seconds, got {seconds}");
            return Launch(stdout, stderr, n, m, node, parse.GetValue(addr)!, masterPort, TimeSpan.FromSeconds(seconds), parse.GetValue(program)!);
        }));
        return command;
    }

    private static int Launch(TextWriter stdout, TextWriter stderr, int perNode, int nodes, int node, string masterAddr, int masterPort,
        TimeSpan timeout, string[] program)
    {
        var world = perNode * nodes;
        // The store lives in this process for the job's lifetime (c10d's TCPStore, the engine's).
        Engine.Use("native");
        using var store = node == 0 ? TcpStoreHost.Open(masterAddr, masterPort, world, timeout) : null;
        var runId = Guid.NewGuid().ToString("N");
        var ranks = new List<Rank>();
        var gate = new object();
        try
        {
            for (var local = 0; local < perNode; local++)
            {
                var rank = node * perNode + local;
                var start = new ProcessStartInfo(program[0])
                {
                    UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
                };
                foreach (var a in program.Skip(1)) start.ArgumentList.Add(a);
                string S(int v) => v.ToString(CultureInfo.InvariantCulture);
                var env = start.Environment;
                env["RANK"] = S(rank);
                env["WORLD_SIZE"] = S(world);
                env["LOCAL_RANK"] = S(local);
                env["LOCAL_WORLD_SIZE"] = S(perNode);
                env["GROUP_RANK"] = S(node);
                env["ROLE_RANK"] = S(rank);
                env["ROLE_WORLD_SIZE"] = S(world);
                env["MASTER_ADDR"] = masterAddr;
                env["MASTER_PORT"] = S(masterPort);
                env["TORCHELASTIC_USE_AGENT_STORE"] = "True";
                env["TORCHELASTIC_RESTART_COUNT"] = "0";
                env["TORCHELASTIC_MAX_RESTARTS"] = "0";
                env["TORCHELASTIC_RUN_ID"] = runId;
                // torchrun's default: one intra-op thread per rank, unless the user chose.
                if (!env.ContainsKey("OMP_NUM_THREADS")) env["OMP_NUM_THREADS"] = "1";
                var r = new Rank(rank, Process.Start(start) ?? throw new InvalidOperationException($"could not start '{program[0]}'"));
                r.Process.OutputDataReceived += (_, e) => r.Forward(e.Data, stdout, gate);
                r.Process.ErrorDataReceived += (_, e) => r.Forward(e.Data, stderr, gate);
                r.Process.BeginOutputReadLine();
                r.Process.BeginErrorReadLine();
                ranks.Add(r);
            }
            // Wait for all to succeed, or for the first failure.
            while (true)
            {
                var first = ranks.FirstOrDefault(r => r.Process.HasExited && r.Process.ExitCode != 0);
                if (first is not null)
                {
                    // A rank's death makes its peers' collectives fail too, often within the same moment, so which
                    // exit is seen first says little: give the others a short grace to fail on their own, then stop
                    // the rest and report every failed rank.
                    var grace = Stopwatch.StartNew();
                    while (grace.Elapsed < TimeSpan.FromSeconds(3) && ranks.Any(r => !r.Process.HasExited)) Thread.Sleep(50);
                    var stopped = ranks.Where(r => !r.Process.HasExited).ToList();
                    foreach (var other in stopped) other.Process.Kill(entireProcessTree: true);
                    foreach (var r in ranks) r.Process.WaitForExit();
                    var failed = ranks.Where(r => !stopped.Contains(r) && r.Process.ExitCode != 0).OrderBy(r => r.Process.ExitTime).ToList();
                    lock (gate)
                    {
                        foreach (var f in failed)
                        {
                            stderr.WriteLine($"error: rank {f.Index} (local rank {f.Index - node * perNode}) exited with code " +
                                $"{f.Process.ExitCode}; {(stopped.Count > 0 ? "the other ranks were stopped" : "no rank was left running")}. Its last output:");
                            foreach (var line in f.Tail()) stderr.WriteLine($"  [rank {f.Index}] {line}");
                        }
                    }
                    return failed[0].Process.ExitCode;
                }
                if (ranks.All(r => r.Process.HasExited))
                {
                    foreach (var r in ranks) r.Process.WaitForExit();  // flush the output readers
                    return 0;
                }
                Thread.Sleep(50);
            }
        }
        finally
        {
            foreach (var r in ranks)
            {
                if (!r.Process.HasExited) r.Process.Kill(entireProcessTree: true);
                r.Process.Dispose();
            }
        }
    }

    // One started rank and the last lines it wrote.
    private sealed class Rank(int index, Process process)
    {
        private readonly Queue<string> _tail = new();

        public int Index { get; } = index;
        public Process Process { get; } = process;

        public void Forward(string? line, TextWriter to, object gate)
        {
            if (line is null) return;
            lock (gate)
            {
                to.WriteLine(line);
                to.Flush();
                _tail.Enqueue(line);
                if (_tail.Count > TailLines) _tail.Dequeue();
            }
        }

        // Call after WaitForExit(), which drains the output readers.
        public string[] Tail() => [.. _tail];
    }
}
