"""One rank of PyTorch's side of the all-reduce benchmark (run by run.sh under torchrun or with RANK/WORLD_SIZE set):
torch.distributed's Gloo all_reduce of float32 tensors, the same sizes and protocol as AllReduce/Program.cs."""
import time

import torch
import torch.distributed as dist

torch.set_num_threads(1)
dist.init_process_group("gloo")
rank = dist.get_rank()
for n in (1_000, 100_000, 1_000_000, 10_000_000):
    t = torch.ones(n, dtype=torch.float32)
    times = []
    for i in range(35):
        dist.barrier()
        start = time.perf_counter()
        dist.all_reduce(t)
        elapsed = (time.perf_counter() - start) * 1000
        if i >= 5:
            times.append(elapsed)
    times.sort()
    if rank == 0:
        print(f"pytorch {n} {times[len(times) // 2]:.4f} {times[0]:.4f}")
dist.destroy_process_group()
