#!/usr/bin/env bash
# All-reduce on 2 ranks (loopback): Degenerate's ProcessGroup (c10d Gloo through the native shim, started by
# 'degenerate launch') against PyTorch's torch.distributed Gloo all_reduce (the same libtorch 1.13.1 on Debian,
# started with the same environment by hand), the same sizes and protocol, in one run. Prints a table of median
# milliseconds and the ratio. Needs python3-torch for PyTorch's side (/usr/bin/python3).
# Then a logistic GLM fit (p = 20) of GLM_N rows (default 1e7): one plain process, 1 rank and 2 ranks through
# GlmOptions.ProcessGroup, each rank generating its own rows in memory. ONLY=allreduce or ONLY=glm runs one part.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
ranks=${RANKS:-2}
py=${PYTHON:-/usr/bin/python3}
config=${CONFIG:-Release}  # the timed work is native (Gloo); Debug C# changes little
only=${ONLY:-all}
glm_n=${GLM_N:-10000000}
dotnet build -c "$config" "$root/src/Degenerate.Cli" -v q -nologo >/dev/null
cli=$(ls "$root"/src/Degenerate.Cli/bin/$config/net*/Degenerate.Cli.dll)
if [[ $only != glm ]]; then
# PyTorch's side needs python3-torch; as root the script installs it (as benchmarks/run does), otherwise it says so.
if ! "$py" -c 'import torch.distributed' 2>/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
    echo "installing python3-torch for PyTorch's side of the comparison" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch > /dev/null
  else
    echo "benchmarks/distributed/run.sh needs python3-torch for $py (apt-get install python3-torch as root)" >&2; exit 1
  fi
fi
dotnet build -c "$config" "$here/AllReduce" -v q -nologo >/dev/null
bench=$(ls "$here"/AllReduce/bin/$config/net*/AllReduce.dll)
out=$(mktemp)
DEGENERATE_ENGINE=native dotnet "$cli" launch --nproc-per-node "$ranks" --master-port 29611 -- dotnet "$bench" >>"$out"
pids=()
for r in $(seq 0 $((ranks - 1))); do
  RANK=$r WORLD_SIZE=$ranks MASTER_ADDR=127.0.0.1 MASTER_PORT=29612 GLOO_SOCKET_IFNAME=lo OMP_NUM_THREADS=1 \
    "$py" "$here/torch_allreduce.py" >>"$out" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
echo "all-reduce of float32 on $ranks ranks, loopback, $(nproc) cores; median (min) ms over 30"
printf "%12s %16s %16s %8s\n" elements degenerate pytorch ratio
for n in 1000 100000 1000000 10000000; do
  d=$(awk -v n=$n '$1=="degenerate" && $2==n {print $3, $4}' "$out")
  p=$(awk -v n=$n '$1=="pytorch" && $2==n {print $3, $4}' "$out")
  printf "%12s %16s %16s %8s\n" "$n" "${d% *} (${d#* })" "${p% *} (${p#* })" \
    "$(awk -v a="${d% *}" -v b="${p% *}" 'BEGIN {printf "%.2f", a / b}')"
done
rm -f "$out"
fi

if [[ $only != allreduce ]]; then
dotnet build -c "$config" "$here/GlmFit" -v q -nologo >/dev/null
glm=$(ls "$here"/GlmFit/bin/$config/net*/GlmFit.dll)
out=$(mktemp)
DEGENERATE_ENGINE=native dotnet "$glm" single "$glm_n" >>"$out"
for r in 1 2; do
  DEGENERATE_ENGINE=native dotnet "$cli" launch --nproc-per-node "$r" --master-port 29613 -- dotnet "$glm" "$glm_n" >>"$out"
done
echo
echo "logistic GLM fit, N = $glm_n, p = 20, $(nproc) cores; engine threads = cores / ranks; seconds (Newton iterations)"
printf "%-22s %10s %10s %12s\n" run fit ratio iterations
base=$(awk '$2=="single" {print $4}' "$out")
while read -r _ who _ fit _ its _; do
  name=$([[ $who == single ]] && echo "single process" || echo "$who rank(s)")
  printf "%-22s %10s %10s %12s\n" "$name" "$fit" "$(awk -v a="$fit" -v b="$base" 'BEGIN {printf "%.2f", a / b}')" "$its"
done < <(grep '^glm ' "$out")
rm -f "$out"
fi
