#!/usr/bin/env bash
# NCCL smoke test for a GPU machine (run.sh's "nccl" stage; travels in the bundle). NOT RUN YET: no GPU machine has
# been lent since it was written, so the NCCL branch of the native shim is compiled and exercised only here.
#
#   bash nccl_smoke.sh DOTNET RANKPROBE_DLL RESULTS_DIR
#
# Needs the shim built against a CUDA PyTorch with NCCL (run.sh does that) and DEGENERATE_NATIVE_LIB pointing at it.
# With W = min(2, GPUs) ranks on the NCCL backend (one GPU per rank, LOCAL_RANK = rank), over a FileStore:
#   1. collectives: all-reduce (sum, max, bucketed float32/float64), broadcast, all-gather, rows, barrier, each
#      against its value for W ranks; host arrays go through the rank's GPU;
#   2. data-parallel Fit (SGD, float64, unshuffled as the single process, 2 epochs, model on cuda:rank) against one process on cuda:0;
#   3. the exact distributed GLM (logit, 40008 rows: the warm start runs) against one process's Glm.Fit;
#   4. a rank whose LOCAL_RANK has no GPU gets the clear error.
# On a one-GPU machine W = 1 (NCCL refuses two ranks on one GPU), and a 2-rank Gloo Fit with the model on cuda:0 checks
# that CUDA tensors travel through the host to Gloo. Prints "nccl smoke: ok" and exits 0 when every check passes.
set -uo pipefail
dotnet=${1:?usage: nccl_smoke.sh DOTNET RANKPROBE_DLL RESULTS_DIR} probe=${2:?} results=${3:?}
python=${DEGENERATE_PYTHON:-python3}
log="$results/nccl.log"
: >"$log"
failures=0
check() { if [ "$1" = 0 ]; then echo "nccl smoke: ok: $2" | tee -a "$log"; else echo "nccl smoke: FAILED: $2" | tee -a "$log"; failures=$((failures + 1)); fi; }

gpus=$("$python" -c 'import torch; print(torch.cuda.device_count())' 2>/dev/null || echo 0)
if [ "$gpus" -lt 1 ]; then echo "nccl smoke: skipped (no GPU visible to torch)" | tee -a "$log"; exit 0; fi
world=$((gpus < 2 ? gpus : 2))
echo "nccl smoke: $gpus GPU(s), $world NCCL rank(s)" | tee -a "$log"

# ranks NAME WORLD BACKEND DEVICE_PREFIX ARGS...: starts WORLD probe ranks, output in $results/NAME.<rank>.txt.
ranks() {
  local name=$1 w=$2 backend=$3 device=$4; shift 4
  local store; store=$(mktemp -u /tmp/degenerate-nccl-store.XXXXXX)
  local pids=() r rc=0
  for ((r = 0; r < w; r++)); do
    local dev=""
    [ "$device" = rank ] && dev="cuda:$r"
    [ "$device" = cuda0 ] && dev="cuda:0"
    DG_FILE_STORE=$store RANK=$r WORLD_SIZE=$w LOCAL_RANK=$r DG_BACKEND=$backend DG_TIMEOUT_S=120 DG_DEVICE=$dev \
      DEGENERATE_DEVICE=${dev:-cpu} timeout 600 "$dotnet" "$probe" "$@" >"$results/$name.$r.txt" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  rm -f "$store"
  for ((r = 0; r < w; r++)); do sed "s/^/[$name rank $r] /" "$results/$name.$r.txt" >>"$log"; done
  return $rc
}

# 1. Collectives on NCCL.
ranks collectives "$world" nccl rank collectives
rc=$?
if [ $rc = 0 ]; then
  "$python" - "$results" "$world" <<'PY'
import sys
results, w = sys.argv[1], int(sys.argv[2])
ranks = range(w)
want = {
    "backend": None,
    "sum": [sum(r + 1.0 for r in ranks), sum(10.0 * r for r in ranks)],
    "max": [w - 1.0, 0.0],
    "bucketed": [sum(float(i + r) for r in ranks) for i in range(5)] + [float(sum(ranks))] * 4 + [float(w)],
    "broadcast": [100.0 + w - 1],
    "gather": [7.0 * r for r in ranks],
    "rows": [float(r) for r in ranks for _ in range(2 * (r + 1))],
}
for r in ranks:
    lines = {l.split()[0]: l.split()[1:] for l in open(f"{results}/collectives.{r}.txt") if l.strip()}
    assert lines["backend"][0] == "nccl", f"rank {r}: backend {lines['backend']}"
    for key, values in want.items():
        if values is None:
            continue
        got = [float(v) for v in lines[key]]
        assert got == values, f"rank {r} {key}: {got} != {values}"
    assert "ok" in lines, f"rank {r} did not finish"
PY
  rc=$?
fi
check $rc "collectives on $world NCCL rank(s)"

# 2. Data-parallel Fit on NCCL (model on each rank's GPU) against one process on cuda:0.
compare() {  # compare KEY_PREFIX TOLERANCE expected_file actual_files...
  "$python" - "$@" <<'PY'
import json, sys
prefix, tol, expected, actual = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4:]
def lines(path):
    return {l.split(" ", 1)[0]: l.split(" ", 1)[1] for l in open(path) if l.startswith(prefix) and " " in l}
def numbers(v):
    if isinstance(v, dict):
        for k in sorted(v):
            yield from ((f".{k}{p}", x) for p, x in numbers(v[k]))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from ((f"[{i}]{p}", y) for p, y in numbers(x))
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        yield "", float(v)
def parse(text):
    try:
        return json.loads(text)
    except ValueError:
        return [float(x) for x in text.split()]
want = lines(expected)
assert want, f"no '{prefix}' lines in {expected}"
for path in actual:
    got = lines(path)
    for key, text in want.items():
        assert key in got, f"{path}: no {key}"
        e, a = dict(numbers(parse(text))), dict(numbers(parse(got[key])))
        assert e.keys() == a.keys(), f"{path} {key}: different fields"
        for field in e:
            if abs(e[field] - a[field]) > tol * max(1.0, abs(e[field])):
                sys.exit(f"{path} {key}{field}: {a[field]!r} != {e[field]!r}")
PY
}
ranks fit-single 1 gloo cuda0 single sgd float64 0 2 && ranks fit "$world" nccl rank fit sgd float64 0 2
rc=$?
[ $rc = 0 ] && { compare weights 1e-10 "$results/fit-single.0.txt" "$results"/fit.*.txt; rc=$?; }
check $rc "data-parallel Fit on $world NCCL rank(s) equals one process (float64, 1e-10)"

# 3. The exact distributed GLM on NCCL against the single-process fit.
sizes=$([ "$world" = 2 ] && echo 20001,20007 || echo 40008)
DEGENERATE_DEVICE=cuda:0 timeout 600 "$dotnet" "$probe" glm-single logit "$sizes" >"$results/glm-single.txt" 2>&1
rc=$?
[ $rc = 0 ] && { ranks glm "$world" nccl rank glm logit "$sizes"; rc=$?; }
[ $rc = 0 ] && { compare json 1e-10 "$results/glm-single.txt" "$results"/glm.*.txt; rc=$?; }
check $rc "distributed GLM on $world NCCL rank(s) equals Glm.Fit (1e-10)"

# 4. A rank without its GPU.
LOCAL_RANK=$gpus DG_FILE_STORE=$(mktemp -u /tmp/degenerate-nccl-store.XXXXXX) RANK=0 WORLD_SIZE=1 DG_BACKEND=nccl \
  DG_TIMEOUT_S=30 timeout 120 "$dotnet" "$probe" collectives >"$results/nogpu.txt" 2>&1
grep -q "needs one GPU per rank" "$results/nogpu.txt"
check $? "LOCAL_RANK $gpus (no such GPU) is a clear error"

# 5. One GPU: two Gloo ranks whose model is on cuda:0 (CUDA tensors staged through the host).
if [ "$world" = 1 ]; then
  ranks gloo-cuda 2 gloo cuda0 fit sgd float64 0 2
  rc=$?
  [ $rc = 0 ] && { compare weights 1e-10 "$results/fit-single.0.txt" "$results"/gloo-cuda.*.txt; rc=$?; }
  check $rc "2 Gloo ranks with the model on cuda:0 equal one process"
fi

if [ $failures = 0 ]; then echo "nccl smoke: ok" | tee -a "$log"; exit 0; fi
echo "nccl smoke: $failures check(s) failed (see $log)" | tee -a "$log"
exit 1
